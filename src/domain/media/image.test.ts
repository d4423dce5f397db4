import assert from 'node:assert/strict'
import { test } from 'node:test'
import { inspectImage } from './image.ts'

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

function jpeg(width: number, height: number): Uint8Array {
  // SOI, an APP0 segment, then SOF0 with the size.
  return Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x04,
    0x00,
    0x00,
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    0x01,
    0x01,
    0x11,
    0x00,
    0xff,
    0xd9,
  ])
}

test('reads the type and size of PNG and JPEG files from their bytes', () => {
  assert.deepEqual(inspectImage(png), { type: 'image/png', width: 1, height: 1 })
  assert.deepEqual(inspectImage(jpeg(640, 480)), { type: 'image/jpeg', width: 640, height: 480 })
})

test('refuses files that only claim to be images', () => {
  assert.equal(inspectImage(Buffer.from('GIF89a not allowed')), undefined)
  assert.equal(inspectImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined)
  assert.equal(inspectImage(png.subarray(0, 20)), undefined)
  assert.equal(inspectImage(jpeg(0, 10)), undefined)
})
