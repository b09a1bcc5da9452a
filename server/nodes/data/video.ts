import { defineNode } from '../definition';
import { mediaKinds, runMedia } from './media';

export const videoNode = defineNode('Video', {
  description: 'A video file or link as a media value { url, mimeType, filename }: set media to { "url": "…", "filename"?, "mime_type"? }.',
  category: 'Data',
  run: runMedia(mediaKinds.Video),
});
