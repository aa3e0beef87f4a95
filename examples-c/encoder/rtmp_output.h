/*
 * encoder_push's output: H.264 and AAC encoded with libavcodec, muxed into FLV and
 * published over RTMP by libavformat, as an encoder built on FFmpeg's libraries pushes.
 * It knows nothing of osslive: it is given the signed URL osslive made.
 *
 * Every blocking network step (connect, publish, each packet, the trailer) is bounded
 * by RTMP_OUTPUT_IO_TIMEOUT_S through libavformat's interrupt callback, so a server that
 * stops answering cannot hang the encoder. When the server refuses the publish, the
 * reason it gave is what the caller gets.
 */

#ifndef OSSLIVE_ENCODER_RTMP_OUTPUT_H
#define OSSLIVE_ENCODER_RTMP_OUTPUT_H

#include <stddef.h>

#include <libavutil/frame.h>

/* The most one blocking network step may take. */
#define RTMP_OUTPUT_IO_TIMEOUT_S 10

/* What went wrong; each failure also fills the caller's `why` with a sentence. */
#define RTMP_OUTPUT_OK 0
/* The server refused the connect or the publish; `why` is the reason it sent. */
#define RTMP_OUTPUT_REFUSED -1
/* The network failed: no connection, a timeout, or the connection was cut. */
#define RTMP_OUTPUT_NETWORK -2
/* Something local: no encoder for the codec, out of memory, bad parameters. */
#define RTMP_OUTPUT_LOCAL -3

typedef struct rtmp_output rtmp_output;

/* What to encode. Audio is mono. */
typedef struct rtmp_output_params {
    int width;
    int height;
    int fps;
    int video_bit_rate; /* bits per second */
    int sample_rate;
    int audio_bit_rate; /* bits per second */
} rtmp_output_params;

/*
 * Opens the encoders, connects to the RTMP `url` and publishes: on RTMP_OUTPUT_OK the
 * server has accepted the stream and *output_out is ready for frames, to free with
 * rtmp_output_free. Otherwise `why` (why_size bytes) says what failed.
 */
int rtmp_output_open(const char *url, const rtmp_output_params *params,
                     rtmp_output **output_out, char *why, size_t why_size);

/* The number of samples each audio frame must have (AAC: 1024). */
int rtmp_output_audio_frame_size(const rtmp_output *output);

/*
 * Encodes one picture (pts in 1/fps) or one audio frame (pts in 1/sample_rate) and
 * sends what the encoder gives back. RTMP_OUTPUT_NETWORK means the stream is over: the
 * connection failed or the server cut it.
 */
int rtmp_output_write_video(rtmp_output *output, const AVFrame *picture, char *why,
                            size_t why_size);
int rtmp_output_write_audio(rtmp_output *output, const AVFrame *samples, char *why,
                            size_t why_size);

/*
 * Ends the stream properly: drains both encoders, sends the FLV trailer and closes the
 * connection (FFmpeg unpublishes the stream first). Call it when the push ends normally,
 * not after a write failed.
 */
int rtmp_output_finish(rtmp_output *output, char *why, size_t why_size);

/* Frees everything, closing the connection if rtmp_output_finish did not; NULL is fine. */
void rtmp_output_free(rtmp_output *output);

#endif /* OSSLIVE_ENCODER_RTMP_OUTPUT_H */
