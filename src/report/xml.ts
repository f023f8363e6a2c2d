// XML 1.0 text for the junit and checkstyle reports: escaping for text and attribute values, and
// characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) written
// as visible \uXXXX escapes, since not even a character reference may name them.

/** Characters no XML 1.0 document may contain, in any form. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(text: string): string {
  return text.replace(NOT_XML, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0').toUpperCase()}`);
}

/** Element content: & < > escaped (> too, so "]]>" can never appear). */
export function xmlText(text: string): string {
  return visible(text).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** An attribute value in double quotes; tab, line feed and carriage return as character references so they survive attribute normalisation. */
export function xmlAttr(value: string): string {
  return visible(value).replace(/[&<>"\t\n\r]/g, (c) => ATTR[c] ?? c);
}

const ATTR: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** `<name a="1" b="2"` (unclosed), attributes in the order given, undefined ones left out. */
export function openTag(name: string, attributes: Readonly<Record<string, string | number | undefined>>): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${xmlAttr(String(value))}"`)
    .join('');
  return `<${name}${attrs}`;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
