// A small PNG decoder (8-bit RGB/RGBA, non-interlaced: what Chromium's screenshots are) on
// node:zlib, so the screenshot test can look at pixels without an image package.

import {inflateSync} from 'node:zlib';

export type Image = {readonly width: number; readonly height: number; readonly channels: number; readonly data: Buffer};

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** Decodes a PNG; throws on anything but 8-bit RGB or RGBA without interlacing. */
export function decodePng(file: Buffer): Image {
	if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
	let offset = 8;
	let width = 0;
	let height = 0;
	let channels = 0;
	const idat: Buffer[] = [];
	while (offset < file.length) {
		const length = file.readUInt32BE(offset);
		const type = file.toString('latin1', offset + 4, offset + 8);
		const body = file.subarray(offset + 8, offset + 8 + length);
		if (type === 'IHDR') {
			width = body.readUInt32BE(0);
			height = body.readUInt32BE(4);
			const depth = body[8];
			const colour = body[9];
			if (depth !== 8 || (colour !== 2 && colour !== 6) || body[12] !== 0) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${body[12]})`);
			channels = colour === 6 ? 4 : 3;
		} else if (type === 'IDAT') {
			idat.push(body);
		} else if (type === 'IEND') {
			break;
		}
		offset += 12 + length;
	}
	const raw = inflateSync(Buffer.concat(idat));
	const stride = width * channels;
	const data = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)]!;
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		for (let x = 0; x < stride; x++) {
			const left = x >= channels ? data[y * stride + x - channels]! : 0;
			const up = y > 0 ? data[(y - 1) * stride + x]! : 0;
			const upLeft = y > 0 && x >= channels ? data[(y - 1) * stride + x - channels]! : 0;
			let value = line[x]!;
			switch (filter) {
				case 1:
					value += left;
					break;
				case 2:
					value += up;
					break;
				case 3:
					value += (left + up) >> 1;
					break;
				case 4:
					value += paeth(left, up, upLeft);
					break;
				default:
					break;
			}
			data[y * stride + x] = value & 0xff;
		}
	}
	return {width, height, channels, data};
}

function paeth(a: number, b: number, c: number): number {
	const p = a + b - c;
	const pa = Math.abs(p - a);
	const pb = Math.abs(p - b);
	const pc = Math.abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Pixels within `tolerance` (per channel) of the colour `#rrggbb`. */
export function countColour(image: Image, hex: string, tolerance = 12): number {
	const r = parseInt(hex.slice(1, 3), 16);
	const g = parseInt(hex.slice(3, 5), 16);
	const b = parseInt(hex.slice(5, 7), 16);
	let count = 0;
	for (let i = 0; i < image.data.length; i += image.channels) {
		if (Math.abs(image.data[i]! - r) <= tolerance && Math.abs(image.data[i + 1]! - g) <= tolerance && Math.abs(image.data[i + 2]! - b) <= tolerance) count++;
	}
	return count;
}

/** How many distinct colours (quantised) the image has: a blank page has one or two. */
export function distinctColours(image: Image): number {
	const seen = new Set<number>();
	for (let i = 0; i < image.data.length; i += image.channels * 7) seen.add(((image.data[i]! >> 4) << 8) | ((image.data[i + 1]! >> 4) << 4) | (image.data[i + 2]! >> 4));
	return seen.size;
}

/** Rows (y) holding a horizontal run of at least `minRun` pixels of the colour: bars, not glyphs or dots. */
export function barRows(image: Image, hex: string, minRun = 30, tolerance = 10): number[] {
	const r = parseInt(hex.slice(1, 3), 16);
	const g = parseInt(hex.slice(3, 5), 16);
	const b = parseInt(hex.slice(5, 7), 16);
	const rows: number[] = [];
	for (let y = 0; y < image.height; y++) {
		let run = 0;
		for (let x = 0; x < image.width; x++) {
			const i = (y * image.width + x) * image.channels;
			const near = Math.abs(image.data[i]! - r) <= tolerance && Math.abs(image.data[i + 1]! - g) <= tolerance && Math.abs(image.data[i + 2]! - b) <= tolerance;
			run = near ? run + 1 : 0;
			if (run >= minRun) {
				rows.push(y);
				break;
			}
		}
	}
	return rows;
}
