// cli-table3 types only its Table class; table.ts measures cells the way it does.
declare module 'cli-table3/src/utils' {
  /** The display width of `text` (ANSI codes removed), as cli-table3 pads cells. */
  export function strlen(text: string): number;
}
