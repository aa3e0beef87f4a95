/*
 * What encoder_push encodes: a generated test picture and tone, standing in for an
 * encoder's capture. Video comes out as YUV 4:2:0 converted by libswscale from an RGB
 * drawing, as a capture in RGB would; audio as planar float samples, what FFmpeg's AAC
 * encoder takes.
 */

#ifndef OSSLIVE_ENCODER_TEST_SOURCE_H
#define OSSLIVE_ENCODER_TEST_SOURCE_H

#include <libavutil/frame.h>

typedef struct test_source test_source;

/*
 * A source of width x height pictures at fps frames per second, and of mono audio at
 * sample_rate Hz in frames of samples_per_frame samples (the audio encoder's frame
 * size). Returns 0, or -1 when out of memory or libswscale refuses the sizes.
 */
int test_source_new(int width, int height, int fps, int sample_rate, int samples_per_frame,
                    test_source **source_out);

/*
 * The next picture, its pts counted in frames (time base 1/fps). The frame belongs to
 * the source and is overwritten by the next call: an encoder that keeps a reference
 * to it (avcodec_send_frame does) is given a copy on write.
 */
AVFrame *test_source_next_video(test_source *source);

/* The next audio frame, its pts counted in samples (time base 1/sample_rate); as above. */
AVFrame *test_source_next_audio(test_source *source);

/* When the next picture and the next audio frame start, in seconds from the first. */
double test_source_video_time(const test_source *source);
double test_source_audio_time(const test_source *source);

/* Frees the source and its frames; NULL is fine. */
void test_source_free(test_source *source);

#endif /* OSSLIVE_ENCODER_TEST_SOURCE_H */
