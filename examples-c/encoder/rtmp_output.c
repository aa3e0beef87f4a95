/*
 * encoder_push's output through libavcodec and libavformat; see rtmp_output.h.
 */

#include "rtmp_output.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/time.h>

struct rtmp_output {
    AVFormatContext *muxer;
    AVCodecContext *video;
    AVCodecContext *audio;
    AVStream *video_stream;
    AVStream *audio_stream;
    AVPacket *packet;
    /* When the blocking step in progress must give up (av_gettime_relative, in µs). */
    int64_t io_deadline;
    /* rtmp_output_finish drained the encoders (or tried to). */
    int finished;
};

/*
 * libavformat reports a refused connect or publish only through its log: FFmpeg's RTMP
 * client logs the description of the server's error status (OSS's reason, such as
 * "LiveChannelDisabled: ...") as "Server error: DESCRIPTION" and fails with a generic
 * code. The log callback keeps the last such description here. The callback is global
 * to the process, as is this: one output at a time, as in encoder_push.
 */
#define SERVER_ERROR_PREFIX "Server error: "
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char server_reason[512];
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

/*
 * Warnings and errors go to stderr, one line each, named after the FFmpeg component
 * that wrote them; the rest (x264's settings, stream details) is left out. Encoder
 * threads log too, hence the lock around the reason.
 */
static void log_callback(void *component, int level, const char *format, va_list args)
{
    const AVClass *class = component != NULL ? *(const AVClass *const *)component : NULL;
    char message[1024];
    size_t length;

    if (level > AV_LOG_WARNING) {
        return;
    }
    vsnprintf(message, sizeof message, format, args);
    length = strlen(message);
    while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == '\r')) {
        message[--length] = '\0';
    }
    if (length == 0) {
        return;
    }
    if (strncmp(message, SERVER_ERROR_PREFIX, strlen(SERVER_ERROR_PREFIX)) == 0) {
        const char *reason = message + strlen(SERVER_ERROR_PREFIX);
        size_t reason_length = strlen(reason);
        if (reason_length >= sizeof server_reason) {
            reason_length = sizeof server_reason - 1;
        }
        pthread_mutex_lock(&log_lock);
        memcpy(server_reason, reason, reason_length);
        server_reason[reason_length] = '\0';
        pthread_mutex_unlock(&log_lock);
    }
    fprintf(stderr, "libav: %s: %s\n", class != NULL ? class->item_name(component) : "log",
            message);
}

static void install_log_callback(void)
{
    av_log_set_callback(log_callback);
}

/* Forgets the reason of an earlier refusal. */
static void clear_server_reason(void)
{
    pthread_mutex_lock(&log_lock);
    server_reason[0] = '\0';
    pthread_mutex_unlock(&log_lock);
}

/* Copies the server's last reason into why; returns whether there was one. */
static int take_server_reason(char *why, size_t why_size)
{
    int found;

    pthread_mutex_lock(&log_lock);
    found = server_reason[0] != '\0';
    if (found) {
        snprintf(why, why_size, "%s", server_reason);
        server_reason[0] = '\0';
    }
    pthread_mutex_unlock(&log_lock);
    return found;
}

/*
 * libavformat calls this while it waits on the network; non-zero aborts the wait. Each
 * blocking step sets its own deadline first, so no step can take longer than that.
 */
static int io_interrupted(void *opaque)
{
    const rtmp_output *output = opaque;
    return av_gettime_relative() > output->io_deadline;
}

static void start_io_step(rtmp_output *output)
{
    output->io_deadline = av_gettime_relative() + RTMP_OUTPUT_IO_TIMEOUT_S * INT64_C(1000000);
}

/* "what: FFmpeg's text for code", or "what: no answer within N s" when the deadline cut
 * it (libavformat then fails with AVERROR_EXIT). */
static void describe_failure(const rtmp_output *output, const char *what, int code, char *why,
                             size_t why_size)
{
    char text[AV_ERROR_MAX_STRING_SIZE];

    if (code == AVERROR_EXIT && av_gettime_relative() > output->io_deadline) {
        snprintf(why, why_size, "%s: no answer within %d s", what, RTMP_OUTPUT_IO_TIMEOUT_S);
        return;
    }
    av_strerror(code, text, sizeof text);
    snprintf(why, why_size, "%s: %s", what, text);
}

/*
 * H.264 for OSS (its HLS output takes H.264 and AAC). Debian's libavcodec has libx264;
 * another build may offer some other H.264 encoder, which is tried next.
 */
static int open_video(rtmp_output *output, const rtmp_output_params *params, char *why,
                      size_t why_size)
{
    const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
    AVCodecContext *video;
    int rc;

    if (codec == NULL) {
        codec = avcodec_find_encoder(AV_CODEC_ID_H264);
    }
    if (codec == NULL) {
        snprintf(why, why_size, "this libavcodec has no H.264 encoder (FFmpeg built without libx264)");
        return RTMP_OUTPUT_LOCAL;
    }
    video = avcodec_alloc_context3(codec);
    if (video == NULL) {
        snprintf(why, why_size, "out of memory");
        return RTMP_OUTPUT_LOCAL;
    }
    output->video = video;
    video->width = params->width;
    video->height = params->height;
    video->pix_fmt = AV_PIX_FMT_YUV420P;
    video->time_base = (AVRational){1, params->fps};
    video->framerate = (AVRational){params->fps, 1};
    video->bit_rate = params->video_bit_rate;
    /* A key frame every second: OSS can only cut HLS fragments at key frames. */
    video->gop_size = params->fps;
    /* No B-frames: with them, frames leave the encoder late and out of order. */
    video->max_b_frames = 0;
    /* Live settings for libx264; another encoder ignores options it does not have. */
    if (strcmp(codec->name, "libx264") == 0) {
        av_opt_set(video->priv_data, "preset", "veryfast", 0);
        av_opt_set(video->priv_data, "tune", "zerolatency", 0);
    }
    /* FLV carries the codec configuration once, in its header, not in every key frame. */
    if (output->muxer->oformat->flags & AVFMT_GLOBALHEADER) {
        video->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    }
    rc = avcodec_open2(video, codec, NULL);
    if (rc < 0) {
        describe_failure(output, "cannot open the H.264 encoder", rc, why, why_size);
        return RTMP_OUTPUT_LOCAL;
    }

    output->video_stream = avformat_new_stream(output->muxer, NULL);
    if (output->video_stream == NULL
        || avcodec_parameters_from_context(output->video_stream->codecpar, video) < 0) {
        snprintf(why, why_size, "out of memory");
        return RTMP_OUTPUT_LOCAL;
    }
    output->video_stream->time_base = video->time_base;
    /* The FLV header's framerate, which OSS reports in GetLiveChannelStat. */
    output->video_stream->avg_frame_rate = video->framerate;
    return RTMP_OUTPUT_OK;
}

/* AAC, FFmpeg's own encoder, mono. */
static int open_audio(rtmp_output *output, const rtmp_output_params *params, char *why,
                      size_t why_size)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    AVCodecContext *audio;
    int rc;

    if (codec == NULL) {
        snprintf(why, why_size, "this libavcodec has no AAC encoder");
        return RTMP_OUTPUT_LOCAL;
    }
    audio = avcodec_alloc_context3(codec);
    if (audio == NULL) {
        snprintf(why, why_size, "out of memory");
        return RTMP_OUTPUT_LOCAL;
    }
    output->audio = audio;
    audio->sample_fmt = AV_SAMPLE_FMT_FLTP;
    audio->sample_rate = params->sample_rate;
    av_channel_layout_default(&audio->ch_layout, 1);
    audio->bit_rate = params->audio_bit_rate;
    audio->time_base = (AVRational){1, params->sample_rate};
    if (output->muxer->oformat->flags & AVFMT_GLOBALHEADER) {
        audio->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    }
    rc = avcodec_open2(audio, codec, NULL);
    if (rc < 0) {
        describe_failure(output, "cannot open the AAC encoder", rc, why, why_size);
        return RTMP_OUTPUT_LOCAL;
    }

    output->audio_stream = avformat_new_stream(output->muxer, NULL);
    if (output->audio_stream == NULL
        || avcodec_parameters_from_context(output->audio_stream->codecpar, audio) < 0) {
        snprintf(why, why_size, "out of memory");
        return RTMP_OUTPUT_LOCAL;
    }
    output->audio_stream->time_base = audio->time_base;
    return RTMP_OUTPUT_OK;
}

int rtmp_output_open(const char *url, const rtmp_output_params *params,
                     rtmp_output **output_out, char *why, size_t why_size)
{
    rtmp_output *output;
    AVDictionary *muxer_options = NULL;
    int rc;

    pthread_once(&log_once, install_log_callback);
    output = calloc(1, sizeof *output);
    if (output == NULL) {
        snprintf(why, why_size, "out of memory");
        return RTMP_OUTPUT_LOCAL;
    }
    output->packet = av_packet_alloc();
    if (output->packet == NULL
        || avformat_alloc_output_context2(&output->muxer, NULL, "flv", NULL) < 0) {
        snprintf(why, why_size, "out of memory");
        rc = RTMP_OUTPUT_LOCAL;
        goto fail;
    }
    output->muxer->interrupt_callback.callback = io_interrupted;
    output->muxer->interrupt_callback.opaque = output;

    rc = open_video(output, params, why, why_size);
    if (rc != RTMP_OUTPUT_OK) {
        goto fail;
    }
    rc = open_audio(output, params, why, why_size);
    if (rc != RTMP_OUTPUT_OK) {
        goto fail;
    }

    /*
     * FFmpeg's RTMP client connects, then publishes, and returns only once the server
     * has accepted or refused the stream: a refused push fails here, its reason in the
     * log. The URL is not printed anywhere: its query is the credential.
     */
    clear_server_reason();
    start_io_step(output);
    rc = avio_open2(&output->muxer->pb, url, AVIO_FLAG_WRITE, &output->muxer->interrupt_callback,
                    NULL);
    if (rc < 0) {
        if (take_server_reason(why, why_size)) {
            rc = RTMP_OUTPUT_REFUSED;
        } else {
            describe_failure(output, "cannot publish", rc, why, why_size);
            rc = RTMP_OUTPUT_NETWORK;
        }
        goto fail;
    }
    /*
     * The FLV header and the stream's metadata (size, frame rate, codecs). A live stream
     * has no duration or size to write back at the end, which the muxer would otherwise
     * try (and warn about, as RTMP cannot seek).
     */
    av_dict_set(&muxer_options, "flvflags", "no_duration_filesize", 0);
    start_io_step(output);
    rc = avformat_write_header(output->muxer, &muxer_options);
    av_dict_free(&muxer_options);
    if (rc < 0) {
        describe_failure(output, "cannot send the FLV header", rc, why, why_size);
        rc = RTMP_OUTPUT_NETWORK;
        goto fail;
    }
    *output_out = output;
    return RTMP_OUTPUT_OK;

fail:
    rtmp_output_free(output);
    return rc;
}

int rtmp_output_audio_frame_size(const rtmp_output *output)
{
    return output->audio->frame_size;
}

/* Sends a frame (NULL: drains) to an encoder and every packet it gives back to the server. */
static int encode(rtmp_output *output, AVCodecContext *encoder, AVStream *stream,
                  const AVFrame *frame, char *why, size_t why_size)
{
    int rc = avcodec_send_frame(encoder, frame);

    if (rc < 0) {
        describe_failure(output, "the encoder refused a frame", rc, why, why_size);
        return RTMP_OUTPUT_LOCAL;
    }
    for (;;) {
        rc = avcodec_receive_packet(encoder, output->packet);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) {
            return RTMP_OUTPUT_OK;
        }
        if (rc < 0) {
            describe_failure(output, "the encoder failed", rc, why, why_size);
            return RTMP_OUTPUT_LOCAL;
        }
        /* The muxer chose its own time base (FLV: milliseconds) in write_header. */
        av_packet_rescale_ts(output->packet, encoder->time_base, stream->time_base);
        output->packet->stream_index = stream->index;
        start_io_step(output);
        /* Takes the packet's data, whatever the result. */
        rc = av_interleaved_write_frame(output->muxer, output->packet);
        if (rc < 0) {
            if (!take_server_reason(why, why_size)) {
                describe_failure(output, "the connection failed", rc, why, why_size);
            }
            return RTMP_OUTPUT_NETWORK;
        }
    }
}

int rtmp_output_write_video(rtmp_output *output, const AVFrame *picture, char *why,
                            size_t why_size)
{
    return encode(output, output->video, output->video_stream, picture, why, why_size);
}

int rtmp_output_write_audio(rtmp_output *output, const AVFrame *samples, char *why,
                            size_t why_size)
{
    return encode(output, output->audio, output->audio_stream, samples, why, why_size);
}

int rtmp_output_finish(rtmp_output *output, char *why, size_t why_size)
{
    int rc;

    output->finished = 1;
    rc = encode(output, output->video, output->video_stream, NULL, why, why_size);

    if (rc == RTMP_OUTPUT_OK) {
        rc = encode(output, output->audio, output->audio_stream, NULL, why, why_size);
    }
    if (rc == RTMP_OUTPUT_OK) {
        start_io_step(output);
        if (av_write_trailer(output->muxer) < 0) {
            snprintf(why, why_size, "cannot send the end of the stream");
            rc = RTMP_OUTPUT_NETWORK;
        }
    }
    /* Closing unpublishes the stream (FCUnpublish, deleteStream), then disconnects. */
    start_io_step(output);
    avio_closep(&output->muxer->pb);
    return rc;
}

/*
 * Empties an encoder whose packets have nowhere to go (the connection is gone), so that
 * it is not freed with frames still queued.
 */
static void discard_queued_frames(AVCodecContext *encoder, AVPacket *packet)
{
    if (encoder == NULL || packet == NULL || !avcodec_is_open(encoder)
        || avcodec_send_frame(encoder, NULL) < 0) {
        return;
    }
    while (avcodec_receive_packet(encoder, packet) >= 0) {
        av_packet_unref(packet);
    }
}

void rtmp_output_free(rtmp_output *output)
{
    if (output == NULL) {
        return;
    }
    if (!output->finished) {
        discard_queued_frames(output->video, output->packet);
        discard_queued_frames(output->audio, output->packet);
    }
    if (output->muxer != NULL && output->muxer->pb != NULL) {
        start_io_step(output);
        avio_closep(&output->muxer->pb);
    }
    avcodec_free_context(&output->video);
    avcodec_free_context(&output->audio);
    av_packet_free(&output->packet);
    avformat_free_context(output->muxer);
    free(output);
}
