// Lines the user sent, newest last, for recall in the send box and the Send command. Re-sending a
// line moves it to the end instead of duplicating it.

export class SendHistory {
  private items: string[];

  constructor(
    initial: readonly string[] = [],
    private readonly max = 100,
  ) {
    this.items = initial.filter((s) => typeof s === 'string' && s.length > 0).slice(-max);
  }

  add(line: string): void {
    if (!line) return;
    const i = this.items.indexOf(line);
    if (i >= 0) this.items.splice(i, 1);
    this.items.push(line);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  /** Oldest first. */
  list(): string[] {
    return [...this.items];
  }

  /** Newest first, for a picker. */
  recent(): string[] {
    return [...this.items].reverse();
  }
}
