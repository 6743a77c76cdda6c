// The Verhoeff checksum lives in @metis/fsm, where the `aadhar_format` rule uses it; this is the
// same function under the name document verification uses.

/** Report whether a digit string (check digit last) passes the Verhoeff checksum. */
export { verhoeffValidate as verhoeffValid } from '@metis/fsm';
