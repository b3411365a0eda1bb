import mongoose from 'mongoose';
import { bytesOf } from './bytes';

describe('bytesOf', () => {
  it('gives the bytes of a Buffer, of a BSON Binary, and null for none', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x7b]);
    expect(bytesOf(bytes)).toBe(bytes);
    expect(bytesOf(new mongoose.mongo.Binary(bytes))).toEqual(bytes);
    expect(bytesOf(null)).toBeNull();
    expect(() => bytesOf('text')).toThrow('not bytes');
  });
});
