// The body of every error answer: `{message, errors?}` (GitHub's shape); `errors` names the fields.

export interface ApiFieldError {
  resource?: string;
  field: string;
  code: string;
  message: string;
}

export interface ApiError {
  message: string;
  errors?: ApiFieldError[];
  documentation_url?: string;
}
