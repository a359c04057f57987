/**
 * Where an error happened, for its message: the text itself, or a function that writes it. Steps
 * pass a function (`() => this.node.path`) so that the construct path, which constructs recomputes
 * from the scope chain on every read, is only computed when there is an error to report.
 */
export type ErrorLocation = string | (() => string);

/** The text of an {@link ErrorLocation}. */
export function locationText(where: ErrorLocation): string {
  return typeof where === 'string' ? where : where();
}
