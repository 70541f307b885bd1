export function reseedFormats(seed: number): void;
export interface CredentialFormat {
  group: string;
  name: string;
  recipe: string;
  syntax: string;
  re: string | null;
  rule?: string;
  src: string;
  s(): { line: string; secret: string };
}
export const FORMATS: CredentialFormat[];
