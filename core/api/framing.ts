// The engine's socket carries newline-delimited JSON: one message per line, UTF-8, no newline
// inside a message (JSON.stringify never emits one). A stream delivers arbitrary chunks, so the
// decoder keeps the unfinished tail; a line longer than `maxLineBytes` is a protocol error (a
// client cannot make the engine buffer without bound).

export const defaultMaxLineBytes = 1 << 20;

export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

export type DecodedLine = { ok: true; value: unknown } | { ok: false; error: string };

export class LineDecoder {
  private tail = '';

  constructor(private readonly maxLineBytes = defaultMaxLineBytes) {}

  /** Feeds a chunk of text; returns the complete lines it finished, parsed (or the parse error). */
  push(chunk: string): DecodedLine[] {
    const decoded: DecodedLine[] = [];
    let text = this.tail + chunk;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (line.trim() !== '') decoded.push(parseLine(line));
      newline = text.indexOf('\n');
    }
    if (text.length > this.maxLineBytes) {
      this.tail = '';
      decoded.push({ ok: false, error: `message longer than ${this.maxLineBytes} bytes` });
    } else {
      this.tail = text;
    }
    return decoded;
  }
}

function parseLine(line: string): DecodedLine {
  try {
    return { ok: true, value: JSON.parse(line) as unknown };
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
}
