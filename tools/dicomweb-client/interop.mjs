// Drives the real dicomweb-client (the library OHIF uses) against a DICOMweb server, for the interoperability tests.
// Usage: node interop.mjs <manifest.json>   manifest: { url, token, instances: [{ file, study, series, sop }], search: bool }
// Prints one JSON object: per instance, whether it was stored and retrieved byte-identical, plus search results.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const require = createRequire(import.meta.url);
globalThis.XMLHttpRequest = require('xhr2');
const { api } = require('dicomweb-client');

const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const client = new api.DICOMwebClient({ url: manifest.url, headers: { Authorization: `Bearer ${manifest.token}` } });
const sha256 = (bytes) => createHash('sha256').update(Buffer.from(bytes)).digest('hex');
const result = { instances: [], studies: null, error: null };

try {
  for (const instance of manifest.instances) {
    const bytes = readFileSync(instance.file);
    const entry = { file: instance.file, stored: false, identical: false, error: null };
    try {
      await client.storeInstances({ datasets: [new Uint8Array(bytes)] });
      entry.stored = true;
      const ids = { studyInstanceUID: instance.study, seriesInstanceUID: instance.series, sopInstanceUID: instance.sop };
      // As stored (transfer-syntax=*): retrieveInstance() refuses an explicit application/dicom media type in 0.11.3
      // (its media-type check compares "application/" with "application/dicom"), so this is the request it would make.
      const url = `${client.wadoURL}/studies/${instance.study}/series/${instance.series}/instances/${instance.sop}`;
      const parts = await client._httpGetMultipartApplicationDicom(url, [{ mediaType: 'application/dicom', transferSyntaxUID: '*' }], false);
      entry.identical = sha256(parts[0]) === sha256(bytes);
      // The public call with its default Accept (no transfer-syntax: Explicit VR Little Endian per PS3.18).
      try {
        const converted = await client.retrieveInstance(ids);
        entry.defaultRetrieve = sha256(converted) === sha256(bytes) ? 'identical' : 'converted';
      } catch (e) {
        entry.defaultRetrieve = `error ${e?.status ?? e?.message ?? e}`;
      }
      const metadata = await client.retrieveInstanceMetadata({
        studyInstanceUID: instance.study, seriesInstanceUID: instance.series, sopInstanceUID: instance.sop,
      });
      entry.metadataSop = metadata[0]?.['00080018']?.Value?.[0] ?? null;
    } catch (e) {
      entry.error = `${e?.message ?? e} ${e?.status ?? ''}`.trim();
    }
    result.instances.push(entry);
  }
  if (manifest.search) {
    const studies = await client.searchForStudies({ queryParams: { limit: 1000 } });
    result.studies = studies.map((s) => s['0020000D']?.Value?.[0]);
  }
} catch (e) {
  result.error = `${e?.message ?? e}`;
}
process.stdout.write(JSON.stringify(result));
