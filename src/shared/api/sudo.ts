// POST /user/sudo: the password (+ code) again, for changes that need recent proof.

export interface SudoRequest {
  password: string;
  otp?: string;
}

export interface SudoResponse {
  sudo_until: string;
}
