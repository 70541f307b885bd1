export function rng(seed: number): () => number;
export function reseedCases(seed: number): void;
export interface CredentialCase {
  kind: string;
  text: string;
  secrets: string[];
  core: boolean;
}
export function credentialCases(): CredentialCase[];
export const NORMAL_LINES: string[];
export function syntheticLog(targetBytes?: number, nPlant?: number): { text: string; planted: CredentialCase[] };
