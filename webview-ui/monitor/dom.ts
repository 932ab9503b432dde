// Tiny DOM helpers. Text goes in through textContent only: nothing from the board or a cloud is
// ever parsed as HTML.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function icon(name: string): HTMLSpanElement {
  const i = el('span', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}

/** A toolbar action like the workbench's: an icon with a tooltip and an accessible name. */
export function iconButton(id: string, codicon: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'action');
  b.type = 'button';
  b.id = id;
  b.title = title;
  b.setAttribute('aria-label', title);
  b.append(icon(codicon));
  b.addEventListener('click', onClick);
  return b;
}

/** A labelled button with a leading icon (the rollout pane's actions). */
export function button(id: string, label: string, codicon: string, cls: 'primary' | 'secondary', onClick: () => void): HTMLButtonElement {
  const b = el('button', cls, label);
  b.type = 'button';
  b.id = id;
  b.prepend(icon(codicon));
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A two-state toolbar action (aria-pressed), drawn like the find widget's option toggles.
 * `codicon` may be `text:LABEL` for a short text label where no icon says it well.
 */
export function toggleButton(id: string, codicon: string, title: string, onToggle: (on: boolean) => void): HTMLButtonElement & { setOn(on: boolean): void } {
  const b = iconButton(id, codicon.startsWith('text:') ? 'blank' : codicon, title, () => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.setOn(on);
    onToggle(on);
  }) as HTMLButtonElement & { setOn(on: boolean): void };
  b.classList.add('toggle');
  if (codicon.startsWith('text:')) {
    b.classList.add('text');
    b.replaceChildren(codicon.slice(5));
  }
  b.setOn = (on) => b.setAttribute('aria-pressed', String(on));
  b.setOn(false);
  return b;
}

/** A text input styled like the workbench's, optionally with option toggles inside its border. */
export function inputBox(id: string, placeholder: string, label: string, ...options: HTMLElement[]): { box: HTMLDivElement; input: HTMLInputElement } {
  const box = el('div', 'input-box');
  const input = el('input');
  input.type = 'text';
  input.id = id;
  input.placeholder = placeholder;
  input.spellcheck = false;
  input.autocomplete = 'off';
  input.setAttribute('aria-label', label);
  box.append(input);
  if (options.length) {
    const opts = el('div', 'input-options');
    opts.append(...options);
    box.append(opts);
  }
  return { box, input };
}
