import v8 from 'node:v8';

/**
 * Keeps a send's memory flat, whatever the length of the list. A send allocates fast and keeps
 * little, and V8's defaults suit the opposite: it grew the young generation to its 16 MB
 * semi-spaces (the message buffers that die with it counted on top), and after the build's last
 * full collection it let promoted garbage pile up to about four times the live heap for the
 * rest of the run (peak RSS 177 MB at 10k recipients, 185-286 MB at 100k). Both flags are read
 * by V8's heap controller at each collection, so setting them at run time works; it must happen
 * before the build's modules load (send.ts imports the pipeline after this). Measured to cost
 * no throughput (README, Performance).
 */
export function tuneHeapForSending(): void {
  // The young generation keeps its initial size: cheap, frequent scavenges.
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  // A full collection once the old generation doubles, instead of letting it grow up to 4x.
  v8.setFlagsFromString('--heap-growing-percent=100');
}
