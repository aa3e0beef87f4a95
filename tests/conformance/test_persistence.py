"""--data-dir: channels and their configs survive a restart."""

from conformance_helpers import channel_info, make_bucket, server_args

CHANNELS = {
    "persist-default": channel_info(),
    "persist-custom": channel_info("disabled", "kept \u00e9 & <safe>", 100, 99, "myplay.m3u8"),
    "persist odd+name": channel_info(description="odd", frag_duration=7, frag_count=4),
}


def config_of(info):
    return (info.status, info.description, info.target.type, str(info.target.frag_duration),
            str(info.target.frag_count), info.target.playlist_name or "playlist.m3u8")


def test_channels_survive_restart(start_emulator, tmp_path, bucket_name):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    first = start_emulator(server_args(data_dir=data_dir), name="first")
    bucket = make_bucket(first.endpoint, bucket_name)
    for name, info in CHANNELS.items():
        bucket.create_live_channel(name, info)
    bucket.create_live_channel("persist-deleted", channel_info())
    bucket.delete_live_channel("persist-deleted")
    bucket.put_live_channel_status("persist-default", "disabled")
    problems = first.stop()
    assert not problems, problems

    second = start_emulator(server_args(data_dir=data_dir), name="second")
    bucket = make_bucket(second.endpoint, bucket_name)
    assert [c.name for c in bucket.list_live_channel().channels] == sorted(CHANNELS)
    expected = {name: config_of(info) for name, info in CHANNELS.items()}
    expected["persist-default"] = ("disabled",) + expected["persist-default"][1:]
    for name, config in expected.items():
        assert config_of(bucket.get_live_channel(name)) == config, name
    assert bucket.get_live_channel_stat("persist-default").status == "Disabled"
