// Progress of a run on the terminal: one self-rewriting line on a TTY (epoch, step, loss,
// accuracy, what the run adds, ETA), plain lines otherwise (a few per epoch).

/** What a progress line shows of a step. */
export interface ProgressStep {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  acc: number;
  /** Values the run shows besides loss and accuracy, by name (a search's temperature, entropy). */
  extra?: Record<string, number>;
}

function clock(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`;
}

export class RunProgress {
  private readonly tty: boolean;
  private readonly started = performance.now();
  private stepsDone = 0;
  private lastPlain = -1;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr, tty?: boolean) {
    this.tty = tty ?? Boolean(out.isTTY);
  }

  step(i: ProgressStep): void {
    this.stepsDone++;
    const perStep = (performance.now() - this.started) / 1000 / this.stepsDone;
    const left = (i.epochs - i.epoch - 1) * i.steps + (i.steps - i.step);
    const width = 20;
    const filled = Math.round((i.step / i.steps) * width);
    const text = `epoch ${i.epoch + 1}/${i.epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] step ${i.step}/${i.steps}`
      + `  loss ${i.loss.toFixed(3)}  acc ${(100 * i.acc).toFixed(1)}%`
      + `${Object.entries(i.extra ?? {}).filter(([, v]) => Number.isFinite(v)).map(([k, v]) => `  ${k} ${v.toFixed(3)}`).join('')}  ETA ${clock(perStep * left)}`;
    if (this.tty) {
      this.out.write(`\r${text}\x1b[K`);
    } else {
      const tenth = Math.floor((10 * i.step) / i.steps);
      if (tenth !== this.lastPlain && (tenth % 5 === 0 || i.step === i.steps)) {
        this.lastPlain = tenth;
        this.out.write(`${text}\n`);
      }
    }
  }

  /** A line of its own (an epoch's summary), clearing the progress line on a terminal. */
  line(text: string): void {
    if (this.tty) this.out.write('\r\x1b[K');
    this.lastPlain = -1;
    this.out.write(`${text}\n`);
  }
}
