/** Progress on stderr: redrawn in place on a terminal, a plain line every few seconds otherwise. */
export class ImportProgress {
  private readonly started = Date.now();
  private last = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly size: number,
    private readonly startRecords: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = out.isTTY ? 200 : 5_000,
  ) {}

  update(records: number, offset: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round((records - this.startRecords) / seconds);
    const percent = this.size ? ((offset / this.size) * 100).toFixed(1) : '100.0';
    const text = `${this.label}: ${records} records, ${percent}% of the file, ${rate} records/s`;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[K${text}`);
      this.drawn = true;
    } else {
      this.out.write(`${text}\n`);
    }
  }

  /** Ends the in-place line so that what follows starts on its own line. */
  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
