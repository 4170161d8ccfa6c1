// The body of every error answer: `{message, errors?, documentation_url}` (GitHub's shape); `errors`
// names the fields, `documentation_url` points at the provider's own error page.

export interface ApiFieldError {
  resource?: string;
  field: string;
  /** GitHub's codes: missing, missing_field, invalid, already_exists, unprocessable, custom. */
  code: string;
  message: string;
}

export interface ApiError {
  message: string;
  /** Field errors; plain strings where GitHub documents its "simple" validation error (PUT …/topics). */
  errors?: (ApiFieldError | string)[];
  documentation_url?: string;
}
