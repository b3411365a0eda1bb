import type { Tree } from '@nx/devkit';
import { parseDocument, type Document } from 'yaml';
import type { ServiceOptions } from './service-options';

/**
 * How a new app joins one place outside apps/<name> that lists every app. An edit whose anchor is
 * gone (the file was reshaped) does nothing and returns what is left to do by hand, so the
 * generator reports it instead of guessing.
 */
export type ListEdit = (tree: Tree, options: ServiceOptions) => string | undefined;

/** Reads a file of the tree, or undefined when it does not exist. */
export function read(tree: Tree, path: string): string | undefined {
  return tree.exists(path) ? (tree.read(path, 'utf-8') ?? undefined) : undefined;
}

/**
 * Edits one YAML document of the tree in place (comments and styles kept); `edit` returns what is
 * left to do by hand, and then nothing is written.
 */
export function editYaml(
  tree: Tree,
  path: string,
  edit: (doc: Document) => string | undefined,
): string | undefined {
  const source = read(tree, path);
  if (source === undefined) return `${path}: not found`;
  const doc = parseDocument(source);
  if (doc.errors.length) return `${path}: not parseable (${doc.errors[0].message})`;
  const left = edit(doc);
  if (left === undefined) tree.write(path, doc.toString());
  return left;
}

/** Multi-document YAML text from documents rendered one by one (each keeps its comments). */
export function joinDocuments(rendered: readonly string[]): string {
  return rendered.map((text, i) => (i === 0 ? text : `---\n${text.replace(/^---\n/, '')}`)).join('');
}
