// Reads progress out of a flash tool's output as it streams: percentages where the tool prints
// them (esptool, stm32flash, pyOCD, nrfutil, our bench flasher), avrdude's 50-mark hash bars, and
// OpenOCD's milestones. Output arrives in arbitrary chunks and progress bars redraw with CR, so
// partial lines are examined too.
import type { FlashToolId } from './presets';

export interface ProgressUpdate {
  /** 0–100 within the current phase. */
  percent: number;
  /** "Writing", "Reading", "Verifying", "Erasing"… when the tool says. */
  phase?: string;
}

const ESPTOOL = /Writing at 0x[0-9a-f]+(?:\.\.\.)?\s*(?:\((\d{1,3}) ?%\)|\[[^\]]*\]\s*(\d{1,3}(?:\.\d+)?)\s?%)/i;
const STM32FLASH = /Wrote (?:and verified )?address 0x[0-9a-f]+ \((\d{1,3}(?:\.\d+)?)%\)/i;
const AVRDUDE_BAR = /(Writing|Reading|Erasing) \| (#*)/;
const OPENOCD: [RegExp, number, string][] = [
  [/\*\* Programming Started \*\*/, 5, 'Programming'],
  [/\*\* Programming Finished \*\*/, 80, 'Programming'],
  [/\*\* Verify Started \*\*/, 85, 'Verifying'],
  [/\*\* Verified OK \*\*/, 100, 'Verifying'],
  [/\*\* Resetting Target \*\*/, 100, 'Resetting'],
];
const NRFJPROG: [RegExp, number, string][] = [
  [/Erasing (?:user available code and UICR flash areas|pages)/i, 10, 'Erasing'],
  [/Programming device|Applying system reset/i, 50, 'Programming'],
  [/Verifying programming/i, 80, 'Verifying'],
  [/Verified OK/i, 100, 'Verifying'],
];
const GENERIC = /(?:^|[\s([|])(\d{1,3}(?:\.\d+)?)\s?%/;

export class ProgressParser {
  private partial = '';
  private last: ProgressUpdate | undefined;

  constructor(private readonly tool: FlashToolId) {}

  /** Feeds output; returns the newest progress it shows, if it moved. */
  push(text: string): ProgressUpdate | undefined {
    const segments = (this.partial + text).split(/\r\n|\n|\r/);
    this.partial = segments.pop() ?? '';
    let found: ProgressUpdate | undefined;
    for (const s of segments) found = this.parse(s) ?? found;
    // avrdude draws its bar one '#' at a time on an unfinished line.
    found = this.parse(this.partial) ?? found;
    if (!found || (this.last && found.percent === this.last.percent && found.phase === this.last.phase)) return undefined;
    this.last = found;
    return found;
  }

  private parse(line: string): ProgressUpdate | undefined {
    if (!line) return undefined;
    switch (this.tool) {
      case 'esptool':
      case 'pio': {
        const m = ESPTOOL.exec(line);
        if (m) return { percent: clamp(Number(m[1] ?? m[2])), phase: 'Writing' };
        if (this.tool === 'esptool') return undefined;
        return this.avrdude(line) ?? this.generic(line);
      }
      case 'stm32flash': {
        const m = STM32FLASH.exec(line);
        return m ? { percent: clamp(Number(m[1])), phase: /verified/i.test(line) ? 'Writing and verifying' : 'Writing' } : undefined;
      }
      case 'avrdude':
        return this.avrdude(line);
      case 'openocd':
        return milestone(OPENOCD, line);
      case 'nrfjprog':
        return milestone(NRFJPROG, line);
      default: {
        const m = ESPTOOL.exec(line);
        if (m) return { percent: clamp(Number(m[1] ?? m[2])), phase: 'Writing' };
        return this.generic(line);
      }
    }
  }

  private avrdude(line: string): ProgressUpdate | undefined {
    const m = AVRDUDE_BAR.exec(line);
    return m ? { percent: clamp(m[2].length * 2), phase: m[1] } : undefined;
  }

  private generic(line: string): ProgressUpdate | undefined {
    const m = GENERIC.exec(line);
    return m ? { percent: clamp(Number(m[1])) } : undefined;
  }
}

function milestone(table: [RegExp, number, string][], line: string): ProgressUpdate | undefined {
  for (const [re, percent, phase] of table) if (re.test(line)) return { percent, phase };
  return undefined;
}

function clamp(n: number): number {
  return Math.max(0, Math.min(100, Math.round(n)));
}
