import Table from "cli-table3";

/** Where a command writes: a terminal gets tables and redraws, a pipe plain lines; --json gets JSON. */
export interface Output {
  json: boolean;
  tty: boolean;
  write(text: string): void;
}

export function processOutput(json: boolean): Output {
  return { json, tty: Boolean(process.stdout.isTTY), write: (text) => process.stdout.write(text) };
}

/** A borderless table: columns aligned with two spaces, easy to read and to grep. */
export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({
    head,
    chars: { top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "", left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "  " },
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
  });
  t.push(...rows.map((r) => r.map(String)));
  return `${t.toString().split("\n").map((line) => line.trimEnd()).join("\n")}\n`;
}
