// What an uploaded file really is, read from its bytes: a file that claims to
// be an image and is not is refused. Only the headers are read; nothing is
// decoded or executed.

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp'

export interface ImageInfo {
  type: ImageType
  width: number
  height: number
}

/** The image's type and size, or undefined if the bytes are not a JPEG, PNG or WebP image. */
export function inspectImage(bytes: Uint8Array): ImageInfo | undefined {
  return png(bytes) ?? jpeg(bytes) ?? webp(bytes)
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

function png(bytes: Uint8Array): ImageInfo | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length < 33 || signature.some((b, i) => bytes[i] !== b)) return undefined
  // The first chunk must be IHDR (PNG spec 11.2.2).
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined
  const v = view(bytes)
  return sized('image/png', v.getUint32(16), v.getUint32(20))
}

function jpeg(bytes: Uint8Array): ImageInfo | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined
  const v = view(bytes)
  let offset = 2
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined
    const marker = bytes[offset + 1] as number
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2
      continue
    }
    const length = v.getUint16(offset + 2)
    // Start-of-frame markers carry the size (ITU T.81 B.2.2); C4, C8 and CC are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return sized('image/jpeg', v.getUint16(offset + 7), v.getUint16(offset + 5))
    }
    if (length < 2) return undefined
    offset += 2 + length
  }
  return undefined
}

function webp(bytes: Uint8Array): ImageInfo | undefined {
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to))
  if (bytes.length < 30 || text(0, 4) !== 'RIFF' || text(8, 12) !== 'WEBP') return undefined
  const v = view(bytes)
  const chunk = text(12, 16)
  if (chunk === 'VP8X')
    return sized('image/webp', 1 + (v.getUint32(24, true) & 0xffffff), 1 + (v.getUint32(27, true) & 0xffffff))
  if (chunk === 'VP8L') {
    const bits = v.getUint32(21, true)
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
  }
  if (chunk === 'VP8 ') return sized('image/webp', v.getUint16(26, true) & 0x3fff, v.getUint16(28, true) & 0x3fff)
  return undefined
}

function sized(type: ImageType, width: number, height: number): ImageInfo | undefined {
  return width > 0 && height > 0 ? { type, width, height } : undefined
}
