import { defineNode } from '../definition';
import { mediaKinds, runMedia } from './media';

export const audioNode = defineNode('Audio', {
  description: 'An audio file or link as a media value { url, mimeType, filename }: set media to { "url": "…", "filename"?, "mime_type"? }.',
  category: 'Data',
  run: runMedia(mediaKinds.Audio),
});
