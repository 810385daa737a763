// nmcli's terse output (`nmcli -t`, nmcli(1)): one record a line, fields separated by ':', a ':' or
// '\' inside a field escaped with '\'. Pure, for the NetworkManager checks and the lab.

/** The records of `nmcli -t …` output, each split into its fields. */
export function parseNmcliTerse(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(splitFields);
}

function splitFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) field += line[++i];
    else if (c === ':') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
