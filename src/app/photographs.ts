import { randomUUID } from 'node:crypto'
import { photographUpload } from '../contracts/register/requests.ts'
import { formatDay } from '../domain/dates/day.ts'
import { inspectImage } from '../domain/media/image.ts'
import { actorIdFor, authorised, type Call, recordStep, transact } from './context.ts'
import { NotFound, problem } from './errors.ts'
import { bumpVersion, isUuid, loadPerson, loadPersonForSection } from './people.ts'
import { consult } from './record-access.ts'
import { failIf, parseOrThrow } from './validate.ts'

// Photographs (SOA 2003 s.87(4): a registrant must allow them to be taken).
// The bytes must really be the image type claimed, within the size limits.

export const photographLimits = { maxBytes: 5 * 1024 * 1024, maxPixels: 10_000 }

export async function addPhotograph(call: Call, personId: string, body: unknown) {
  await authorised(call, 'person:write')
  const input = parseOrThrow(photographUpload, body)
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.data) || input.data.length % 4 !== 0) {
    failIf([problem('$.data', 'is not base64')])
  }
  const bytes = Buffer.from(input.data, 'base64')
  if (bytes.length === 0) failIf([problem('$.data', 'is empty')])
  if (bytes.length > photographLimits.maxBytes) {
    failIf([
      problem(
        '$.data',
        `is ${bytes.length} bytes; the largest photograph accepted is ${photographLimits.maxBytes} bytes`,
      ),
    ])
  }
  const info = inspectImage(bytes)
  if (info === undefined) failIf([problem('$.data', 'is not a JPEG, PNG or WebP image')])
  if (info !== undefined && info.type !== input.contentType) {
    failIf([problem('$.contentType', `says ${input.contentType} but the file is ${info.type}`)])
  }
  if (info !== undefined && (info.width > photographLimits.maxPixels || info.height > photographLimits.maxPixels)) {
    failIf([problem('$.data', `is ${info.width}×${info.height}; at most ${photographLimits.maxPixels} pixels a side`)])
  }
  if (input.takenOn !== undefined && input.takenOn > formatDay(call.app.today())) {
    failIf([problem('$.takenOn', 'must not be in the future')])
  }
  const image = info as NonNullable<typeof info>
  return transact(call, async (tx) => {
    const person = await loadPerson(tx, call, personId, true)
    const id = randomUUID()
    await tx.execute(
      `INSERT INTO photograph (id, person_id, content_type, bytes, byte_size, width, height, taken_on, caption, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        personId,
        image.type,
        bytes,
        bytes.length,
        image.width,
        image.height,
        input.takenOn ?? null,
        input.caption ?? null,
        actorIdFor(call.actor),
      ],
    )
    await bumpVersion(tx, person, undefined)
    await recordStep(tx, call.actor, {
      operation: 'collection',
      object: { type: 'photograph', id, personId },
      personId: personId,
      kind: 'photograph',
      summary: 'Photograph added',
      on: formatDay(call.app.today()),
      data: {
        photographId: id,
      },
    })
    return { id, contentType: image.type, width: image.width, height: image.height, byteSize: bytes.length }
  })
}

/** One photograph; `ofPerson`, when the caller names the record it came from, must be that record. */
export async function readPhotograph(call: Call, photographId: string, ofPerson?: string) {
  await authorised(call, 'person:read')
  if (!isUuid(photographId)) throw new NotFound('photograph')
  return transact(call, async (tx) => {
    const rows = await tx.query<{ person_id: string; content_type: string; bytes: Uint8Array }>(
      'SELECT person_id, content_type, bytes FROM photograph WHERE id = $1',
      [photographId],
    )
    const row = rows[0]
    // A photograph asked for under another record's address is not there (and nothing is read).
    if (row === undefined || (ofPerson !== undefined && row.person_id !== ofPerson)) throw new NotFound('photograph')
    // Photographs belong to the description section.
    await loadPersonForSection(tx, call, row.person_id, 'description')
    await consult(tx, call, { type: 'photograph', id: photographId, personId: row.person_id })
    return { contentType: row.content_type, bytes: Buffer.from(row.bytes) }
  })
}
