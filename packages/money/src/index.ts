export const MAX_INTEGER_DIGITS = 15;
