// Small DOM helpers. Everything from the API is written as text (textContent, text nodes), never
// as HTML: a quarantined payload is whatever bytes someone produced.

/** The page's element `id`, checked to be a `type` (anything else is a bug of index.html). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} is missing from the page or is no ${type.name}`);
  return node;
}

/** A new `tag` element with `text` as its text and an optional class. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string | number | null,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** A table row: a cell per value, a node as is, anything else as text. */
export function row(cells: (Node | string | number)[]): HTMLTableRowElement {
  const tr = el('tr');
  for (const cell of cells) {
    if (cell instanceof Node) {
      const td = el('td');
      td.append(cell);
      tr.append(td);
    } else tr.append(el('td', cell));
  }
  return tr;
}

/** A button that reads as a link (it opens something), named for screen readers by `ariaLabel`. */
export function linkButton(label: string, ariaLabel: string, onClick: (event: Event) => void) {
  const node = el('button', label, 'link');
  node.type = 'button';
  node.setAttribute('aria-label', ariaLabel);
  node.addEventListener('click', onClick);
  return node;
}
