/*
 * The generated test picture and tone of encoder_push; see test_source.h.
 */

#include "test_source.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
#include <libavutil/samplefmt.h>
#include <libswscale/swscale.h>

/* A quiet 440 Hz tone: loud enough to hear that audio flows, not to hurt. */
#define TONE_HZ 440.0
#define TONE_AMPLITUDE 0.2
/* M_PI is not C99. */
#define TWO_PI 6.283185307179586

struct test_source {
    int width;
    int height;
    int fps;
    int sample_rate;
    int64_t video_pts; /* the next picture's number */
    int64_t audio_pts; /* the next audio frame's first sample */
    uint8_t *rgb;      /* the drawing, RGB24, width * 3 bytes per row */
    struct SwsContext *to_yuv;
    AVFrame *video;
    AVFrame *audio;
};

/* Eight vertical colour bars, as on a test card: white, yellow, cyan, green, ... black. */
static const uint8_t BARS[8][3] = {
    {235, 235, 235}, {235, 235, 16}, {16, 235, 235}, {16, 235, 16},
    {235, 16, 235},  {235, 16, 16},  {16, 16, 235},  {16, 16, 16},
};

int test_source_new(int width, int height, int fps, int sample_rate, int samples_per_frame,
                    test_source **source_out)
{
    test_source *s = calloc(1, sizeof *s);

    if (s == NULL) {
        return -1;
    }
    s->width = width;
    s->height = height;
    s->fps = fps;
    s->sample_rate = sample_rate;
    s->rgb = malloc((size_t)width * (size_t)height * 3u);
    s->to_yuv = sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUV420P,
                               SWS_BILINEAR, NULL, NULL, NULL);
    s->video = av_frame_alloc();
    s->audio = av_frame_alloc();
    if (s->rgb == NULL || s->to_yuv == NULL || s->video == NULL || s->audio == NULL) {
        goto fail;
    }

    s->video->format = AV_PIX_FMT_YUV420P;
    s->video->width = width;
    s->video->height = height;
    if (av_frame_get_buffer(s->video, 0) < 0) {
        goto fail;
    }

    s->audio->format = AV_SAMPLE_FMT_FLTP;
    s->audio->sample_rate = sample_rate;
    s->audio->nb_samples = samples_per_frame;
    av_channel_layout_default(&s->audio->ch_layout, 1);
    if (av_frame_get_buffer(s->audio, 0) < 0) {
        goto fail;
    }
    *source_out = s;
    return 0;

fail:
    test_source_free(s);
    return -1;
}

/* Colour bars over the top two thirds, a grey ramp below, and a white square crossing
 * the picture once a second so that each frame differs from the last. */
static void draw(test_source *s)
{
    int bar_width = s->width / 8 > 0 ? s->width / 8 : 1;
    int bars_bottom = s->height * 2 / 3;
    int square = s->height / 6 > 2 ? s->height / 6 : 2;
    int step = (int)(s->video_pts % s->fps);
    int square_x = (s->width - square) * step / (s->fps > 1 ? s->fps - 1 : 1);
    int square_y = bars_bottom - square / 2;
    int x;
    int y;

    for (y = 0; y < s->height; y++) {
        uint8_t *row = s->rgb + (size_t)y * (size_t)s->width * 3u;
        for (x = 0; x < s->width; x++) {
            uint8_t *pixel = row + (size_t)x * 3u;
            if (x >= square_x && x < square_x + square && y >= square_y && y < square_y + square) {
                memset(pixel, 255, 3);
            } else if (y < bars_bottom) {
                int bar = x / bar_width < 8 ? x / bar_width : 7;
                memcpy(pixel, BARS[bar], 3);
            } else {
                memset(pixel, (int)(16 + 219 * x / (s->width > 1 ? s->width - 1 : 1)), 3);
            }
        }
    }
}

AVFrame *test_source_next_video(test_source *s)
{
    const uint8_t *src[1];
    int src_stride[1];

    /* The encoder may still hold the previous picture: write to a buffer of our own. */
    if (av_frame_make_writable(s->video) < 0) {
        return NULL;
    }
    draw(s);
    src[0] = s->rgb;
    src_stride[0] = s->width * 3;
    sws_scale(s->to_yuv, src, src_stride, 0, s->height, s->video->data, s->video->linesize);
    s->video->pts = s->video_pts++;
    return s->video;
}

AVFrame *test_source_next_audio(test_source *s)
{
    float *samples;
    int i;

    if (av_frame_make_writable(s->audio) < 0) {
        return NULL;
    }
    samples = (float *)s->audio->data[0];
    for (i = 0; i < s->audio->nb_samples; i++) {
        /* The phase from the sample number, so that it never drifts. */
        double t = (double)(s->audio_pts + i) / s->sample_rate;
        samples[i] = (float)(TONE_AMPLITUDE * sin(TWO_PI * TONE_HZ * t));
    }
    s->audio->pts = s->audio_pts;
    s->audio_pts += s->audio->nb_samples;
    return s->audio;
}

double test_source_video_time(const test_source *s)
{
    return (double)s->video_pts / s->fps;
}

double test_source_audio_time(const test_source *s)
{
    return (double)s->audio_pts / s->sample_rate;
}

void test_source_free(test_source *s)
{
    if (s == NULL) {
        return;
    }
    av_frame_free(&s->video);
    av_frame_free(&s->audio);
    sws_freeContext(s->to_yuv);
    free(s->rgb);
    free(s);
}
