/**
 * The labels beside a transfer session's kept copies (core/kept-transfers.ts `KeptLabel`): written
 * by the keeper as each copy starts and once its file is reported, read by recovery after a crash
 * so that the interrupted session's manifest still lists its copies, removed once a manifest that
 * lists them is signed.
 */
import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing } from '../core/errors.js';
import {
  interruptedEntry,
  keptLabelName,
  labelledFile,
  parseKeptLabel,
  type KeepTransfersSettings,
  type KeptLabel,
  type KeptTransfer,
  type KeptTransfers,
} from '../core/kept-transfers.js';
import { fileSha256 } from './file-sha256.js';

/** A folder's names; none when it is absent. */
async function namesIn(folder: string): Promise<string[]> {
  return readdir(folder).catch((err: unknown) => {
    if (isMissing(err)) return [];
    throw err;
  });
}

/** Writes a copy's label whole or not at all (a crash never leaves half of one). */
export async function writeKeptLabel(
  folder: string,
  file: string,
  label: KeptLabel,
): Promise<void> {
  const path = join(folder, keptLabelName(file));
  await writeFile(`${path}.tmp`, JSON.stringify(label), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export async function removeKeptLabel(folder: string, file: string): Promise<void> {
  await unlink(join(folder, keptLabelName(file))).catch(() => undefined);
}

/** Removes every label (and a half-written one) in a copies' folder; none when it is absent. */
export async function removeKeptLabels(folder: string): Promise<void> {
  for (const name of await namesIn(folder))
    if (labelledFile(name.replace(/\.tmp$/, '')) !== null)
      await unlink(join(folder, name)).catch(() => undefined);
}

/**
 * Recovery after a crash: the copies the labels in `folder` name, as a manifest lists them (the
 * reported files in the order they were reported, then the files still open, each as the first
 * bytes its copy holds; a copy holding none is removed). Null when the folder holds no labels.
 */
export async function keptFromLabels(
  folder: string,
  settings: KeepTransfersSettings | null,
): Promise<KeptTransfers | null> {
  const files = (await namesIn(folder)).flatMap((n) => labelledFile(n) ?? []).sort();
  if (files.length === 0) return null;
  const reported: { reported: number; entry: KeptTransfer }[] = [];
  const interrupted: KeptTransfer[] = [];
  for (const file of files) {
    const label = await readLabel(folder, file);
    if (label === null) continue;
    if ('entry' in label) reported.push(label);
    else interrupted.push(await interruptedCopy(folder, file, label));
  }
  // As a live seal lists them: in the order the files were reported; then those never reported.
  reported.sort((a, b) => a.reported - b.reported);
  const entries = [...reported.map((r) => r.entry), ...interrupted];
  return {
    maxFileBytes: settings?.maxFileBytes ?? 0,
    maxSessionBytes: settings?.maxSessionBytes ?? 0,
    entries,
    unlisted: 0,
  };
}

async function readLabel(folder: string, file: string): Promise<KeptLabel | null> {
  try {
    return parseKeptLabel(JSON.parse(await readFile(join(folder, keptLabelName(file)), 'utf8')));
  } catch {
    return null;
  }
}

/** A copy whose file was still open: listed as the bytes it holds (removed when none). */
async function interruptedCopy(
  folder: string,
  file: string,
  label: Exclude<KeptLabel, { entry: KeptTransfer }>,
): Promise<KeptTransfer> {
  const copy = await fileSha256(join(folder, file)).catch((err: unknown) => {
    if (isMissing(err)) return null;
    throw err;
  });
  const entry = interruptedEntry(label, file, {
    copied: copy?.bytes ?? 0,
    copiedSha256: copy?.sha256 ?? '',
  });
  if (entry.kept === 'none') await unlink(join(folder, file)).catch(() => undefined);
  return entry;
}
