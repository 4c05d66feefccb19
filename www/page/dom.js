// Helpers every part of the playground uses: an element by id, and JSON as the page shows it.

/**
 * The element with this id.
 * @param {string} id
 * @returns {HTMLElement}
 */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * JSON with a two-space indent, as every view of the page writes it.
 * @param {unknown} v
 * @returns {string}
 */
export const pretty = (v) => JSON.stringify(v, null, 2);
