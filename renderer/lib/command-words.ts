/*
 * A password command as the form shows it: one line of words, quoted as in a shell ('a b' or
 * "a b", a backslash escapes one character), but split here and run without any shell, so
 * nothing in it is expanded: no $VAR, no globs, no pipes.
 */

export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  // An empty line is one empty program, which the schema names ("needs a program to run").
  return words.length ? words : [''];
}

/** The words back as a line that splitCommand reads to the same words. */
export function joinCommand(argv: readonly string[]): string {
  return argv
    .map((w) => (w !== '' && /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'"'"'`)}'`))
    .join(' ');
}
