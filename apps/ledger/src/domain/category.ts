import { FieldErrors } from './errors.js';
import { charLength, hasNul } from '@finance/platform/text';

// Category rules. Names are trimmed and unique per user regardless of case; colours are
// "#RRGGBB" and stored in upper case, so "#ff0000" and "#FF0000" are the same colour and
// every response spells it one way.

export const CATEGORY_NAME_MAX = 100;
export const CATEGORY_ICON_MAX = 100;
const COLOR = /^#[0-9A-Fa-f]{6}$/;

/** A category name as stored: trimmed, 1 to 100 characters, no NUL (also an imported row's category name, on its own path). */
export function normalizeCategoryName(errors: FieldErrors, name: string, path = 'name'): string {
  const trimmed = name.trim();
  const length = charLength(trimmed);
  if (length < 1 || length > CATEGORY_NAME_MAX) errors.add(path, `must be 1 to ${CATEGORY_NAME_MAX} characters (surrounding spaces are ignored)`);
  else if (hasNul(trimmed)) errors.add(path, 'must not contain NUL characters');
  return trimmed;
}

function normalizeColor(errors: FieldErrors, color: string): string {
  if (!COLOR.test(color)) {
    errors.add('color', 'must be a colour like "#1A2B3C" (# and six hex digits)');
    return color;
  }
  return color.toUpperCase();
}

/** "" means no icon. */
function normalizeIcon(errors: FieldErrors, icon: string): string | null {
  if (icon === '') return null;
  if (charLength(icon) > CATEGORY_ICON_MAX) errors.add('icon', `must be at most ${CATEGORY_ICON_MAX} characters`);
  else if (hasNul(icon)) errors.add('icon', 'must not contain NUL characters');
  return icon;
}

export interface NewCategory {
  name: string;
  color: string;
  icon: string | null;
}

export function validateNewCategory(input: { name: string; color: string; icon?: string | undefined }): NewCategory {
  const errors = new FieldErrors();
  const name = normalizeCategoryName(errors, input.name);
  const color = normalizeColor(errors, input.color);
  const icon = input.icon === undefined ? null : normalizeIcon(errors, input.icon);
  errors.throwIfAny();
  return { name, color, icon };
}

export interface CategoryChanges {
  name?: string;
  color?: string;
  icon?: string | null;
}

/** Only the fields given change; icon "" removes the icon. */
export function validateCategoryChanges(input: { name?: string | undefined; color?: string | undefined; icon?: string | undefined }): CategoryChanges {
  const errors = new FieldErrors();
  const changes: CategoryChanges = {};
  if (input.name !== undefined) changes.name = normalizeCategoryName(errors, input.name);
  if (input.color !== undefined) changes.color = normalizeColor(errors, input.color);
  if (input.icon !== undefined) changes.icon = normalizeIcon(errors, input.icon);
  errors.throwIfAny();
  return changes;
}
