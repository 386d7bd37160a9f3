/**
 * The forms of contact data the registers accept (parents' contacts, municipalities' contact
 * points), declared once: the repositories check imported rows with them and the API's schemas
 * take their patterns from them.
 */

/** An e-mail address a mail server will take: a local part without spaces or specials, a dotted domain. */
export const emailAddressPattern = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
/** A Belgian NIS code of a municipality: five digits. */
export const nisCodePattern = /^[0-9]{5}$/;
/** A phone number as people write it: digits, spaces, dots, slashes, brackets, dashes, an optional +. */
export const phonePattern = /^\+?[0-9 ./()-]{6,30}$/;
