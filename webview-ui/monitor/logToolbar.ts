// The log pane's toolbar: live include/exclude filter (with regex and match-case toggles, like
// the workbench's find widget), search with a match count and next/previous, and the view
// toggles and actions (timestamps, hex, follow, copy, save, clear).
import { formatTagList, LEVEL_LABELS, parseTagList } from '../../src/shared/logview/levels';
import { DEFAULT_LEVEL_FILTER, type LevelFilter, type MonitorViewState } from '../../src/shared/protocol';
import { el, iconButton, inputBox, toggleButton } from './dom';

export interface ToolbarEvents {
  filterChanged(): void;
  levelsChanged(): void;
  crashNav(dir: 1 | -1): void;
  searchChanged(): void;
  searchNav(dir: 1 | -1): void;
  toggle(name: 'timestamps' | 'hex' | 'follow' | 'wrap' | 'plot', on: boolean): void;
  action(name: 'copy' | 'save' | 'clear'): void;
}

export type LogToolbar = ReturnType<typeof buildLogToolbar>;

export function buildLogToolbar(state: MonitorViewState, ev: ToolbarEvents) {
  const element = el('div', 'log-toolbar');
  element.setAttribute('role', 'toolbar');
  element.setAttribute('aria-label', 'Log view');

  const regex = toggleButton('regex', 'regex', 'Use Regular Expression', () => ev.filterChanged());
  const matchCase = toggleButton('matchCase', 'case-sensitive', 'Match Case', () => ev.filterChanged());
  const inc = inputBox('include', 'Filter', 'Show only lines matching', matchCase, regex);
  const exc = inputBox('exclude', 'Exclude', 'Hide lines matching');
  inc.input.dataset.help = 'Show only lines containing any of these terms, comma-separated (wifi, ota), or a regular expression with .*';
  exc.input.dataset.help = 'Hide lines containing any of these terms, comma-separated, or matching the regular expression';
  inc.box.classList.add('grow');
  exc.box.classList.add('grow-small');
  for (const i of [inc.input, exc.input]) i.addEventListener('input', () => ev.filterChanged());

  // Level and tag: what the host parsed from each line (ESP-IDF, Zephyr, [WARN], W/tag…).
  const level = el('select', 'eol level-select');
  level.id = 'minLevel';
  level.title = 'Show lines at this level or more severe (crash lines always show)';
  level.setAttribute('aria-label', 'Minimum level');
  for (const [k, label] of Object.entries(LEVEL_LABELS)) {
    const o = el('option', undefined, label);
    o.value = k;
    level.append(o);
  }
  const tags = inputBox('tags', 'Tags', 'Tags to show, or with a minus to hide');
  tags.input.dataset.help = 'Tags to show (wifi, ota) and, with a minus, tags to hide (-mqtt)';
  tags.input.title = tags.input.dataset.help;
  tags.box.classList.add('tags-box');
  level.addEventListener('change', () => ev.levelsChanged());
  tags.input.addEventListener('input', () => ev.levelsChanged());

  const search = inputBox('search', 'Find', 'Find in log');
  search.box.classList.add('grow-small');
  const searchCount = el('span', 'search-count', 'No results');
  searchCount.id = 'searchCount';
  searchCount.setAttribute('aria-live', 'polite');
  const prev = iconButton('searchPrev', 'arrow-up', 'Previous Match (Shift+Enter)', () => ev.searchNav(-1));
  const next = iconButton('searchNext', 'arrow-down', 'Next Match (Enter)', () => ev.searchNav(1));
  search.input.addEventListener('input', () => ev.searchChanged());
  search.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      ev.searchNav(e.shiftKey ? -1 : 1);
    }
  });
  const searchGroup = el('div', 'group search-group');
  searchGroup.append(search.box, searchCount, prev, next);

  const timestamps = toggleButton('timestamps', 'watch', 'Show Timestamps (host time)', (on) => ev.toggle('timestamps', on));
  const hex = toggleButton('hex', 'file-binary', 'Hex + ASCII View', (on) => ev.toggle('hex', on));
  const follow = toggleButton('follow', 'pin', 'Follow Output (auto-scroll)', (on) => ev.toggle('follow', on));
  const wrap = toggleButton('wrap', 'word-wrap', 'Wrap Long Lines', (on) => ev.toggle('wrap', on));
  const plot = toggleButton('plotToggle', 'graph-line', 'Plot Numbers (Teleplot >name:value, or a pattern)', (on) => ev.toggle('plot', on));
  const copy = iconButton('copy', 'copy', 'Copy Selection, or All Shown Lines', () => ev.action('copy'));
  const save = iconButton('save', 'save', 'Save Log…', () => ev.action('save'));
  const clear = iconButton('clear', 'clear-all', 'Clear Log', () => ev.action('clear'));

  // Crashes the host recognised: marked in the gutter; these step through them.
  const crashPrev = iconButton('crashPrev', 'chevron-up', 'Previous Crash', () => ev.crashNav(-1));
  const crashNext = iconButton('crashNext', 'chevron-down', 'Next Crash', () => ev.crashNav(1));
  const crashCount = el('span', 'crash-count');
  crashCount.id = 'crashCount';
  const crashGroup = el('div', 'group crash-group');
  crashGroup.setAttribute('role', 'group');
  crashGroup.setAttribute('aria-label', 'Crashes');
  crashGroup.append(crashCount, crashPrev, crashNext);
  crashGroup.hidden = true;

  const filterGroup = el('div', 'group filter-group');
  filterGroup.append(inc.box, exc.box);
  const levelGroup = el('div', 'group level-group');
  levelGroup.append(level, tags.box);
  const actions = el('div', 'group actions');
  actions.append(timestamps, hex, wrap, follow, plot, el('span', 'separator'), copy, save, clear);
  element.append(filterGroup, levelGroup, searchGroup, crashGroup, actions);

  const tb = {
    element,
    include: inc.input,
    exclude: exc.input,
    search: search.input,
    searchCount,
    regex,
    matchCase,
    timestamps,
    hex,
    follow,
    wrap,
    plot,
    level,
    tags: tags.input,
    buttons: { searchPrev: prev, searchNext: next, copy, save, clear, crashPrev, crashNext },
    /** The level/tag filter as the controls say now. */
    levels(): LevelFilter {
      return { min: level.value as LevelFilter['min'], ...parseTagList(tags.input.value) };
    },
    showCrashes(position: number, count: number) {
      // Called every frame: touch the DOM only when the text changes.
      const text = count === 0 ? '' : position > 0 ? `Crash ${position} of ${count}` : `${count} ${count === 1 ? 'crash' : 'crashes'}`;
      if (crashCount.textContent === text) return;
      crashGroup.hidden = count === 0;
      crashCount.textContent = text;
    },
    /** The filter as the fields say now. */
    filter(): MonitorViewState['filter'] {
      return {
        include: inc.input.value,
        exclude: exc.input.value,
        regex: regex.getAttribute('aria-pressed') === 'true',
        matchCase: matchCase.getAttribute('aria-pressed') === 'true',
      };
    },
    showErrors(includeError?: string, excludeError?: string) {
      for (const [box, input, err] of [[inc.box, inc.input, includeError], [exc.box, exc.input, excludeError]] as const) {
        box.classList.toggle('invalid', !!err);
        input.title = err ? `Invalid regular expression: ${err}` : (input.dataset.help ?? '');
        input.setAttribute('aria-invalid', String(!!err));
      }
    },
    showSearchCount(position: number, count: number, capped: boolean, active: boolean) {
      const total = `${count}${capped ? '+' : ''}`;
      searchCount.textContent = !active ? '' : count === 0 ? 'No results' : position > 0 ? `${position} of ${total}` : `${total} found`;
      searchCount.classList.toggle('none', active && count === 0);
      prev.disabled = next.disabled = count === 0;
    },
    setFrom(s: MonitorViewState) {
      inc.input.value = s.filter.include;
      exc.input.value = s.filter.exclude;
      regex.setOn(s.filter.regex);
      matchCase.setOn(!!s.filter.matchCase);
      timestamps.setOn(s.timestamps);
      hex.setOn(s.hex);
      follow.setOn(s.follow);
      wrap.setOn(!!s.wrap);
      const lv = s.levels ?? DEFAULT_LEVEL_FILTER;
      level.value = lv.min;
      // Keep what is being typed ("wifi, -") when it means the same filter.
      const typed = parseTagList(tags.input.value);
      if (formatTagList(typed) !== formatTagList(lv)) tags.input.value = formatTagList(lv);
    },
  };
  tb.setFrom(state);
  tb.showSearchCount(0, 0, false, false);
  return tb;
}
