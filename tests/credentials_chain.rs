//! The default credentials chain against the emulator, step by step: the environment,
//! the CLI's config.json and the INI file under a temporary HOME (never the machine's
//! own), the ECS RAM role through the emulator's metadata service, and a credentials URI;
//! and, when every step fails, an error that says what each found.
//!
//! The environment is process-global, so this binary holds exactly one test that sets
//! variables: it sets every variable the chain reads and restores them when it ends (even
//! by a panic). The other only reads the sources, to check that list is whole.

mod credentials_common;

use std::path::Path;

use credentials_common::{Restore, set};

use osslive::credentials::{DEFAULT_CHAIN_VARIABLES, LOOPBACK_ONLY_VAR};
use osslive::{CredentialsProvider, DefaultCredentialsChain, Error};
use osslive_emulator::ecs_metadata::EcsMetadataConfig;
use osslive_emulator::keyring::Credential;
use osslive_emulator::{Config, Emulator};

const AK: &str = "LTAI5tChainTestKey";
const SK: &str = "ChainTestSecret0123456789abcdefgh";
const CLI_ID: &str = "LTAI5tChainCliKey";
const CLI_SK: &str = "ChainCliSecret0123456789abcdefghi";
const INI_ID: &str = "LTAI5tChainIniKey";
const INI_SK: &str = "ChainIniSecret0123456789abcdefghi";

/// Every variable the chain reads: the library's list and the home directories.
fn vars() -> Vec<&'static str> {
    let mut vars = vec!["HOME", "USERPROFILE"];
    vars.extend_from_slice(DEFAULT_CHAIN_VARIABLES);
    vars
}

/// One ListLiveChannel call through a client of `emulator` using a new default chain.
fn list_with_chain(emulator: &Emulator) -> Result<(), Error> {
    list_with(emulator, DefaultCredentialsChain::new())
}

/// One ListLiveChannel call through a client of `emulator` using `provider`.
fn list_with(
    emulator: &Emulator,
    provider: impl CredentialsProvider + 'static,
) -> Result<(), Error> {
    credentials_common::list_with(emulator, "chain-bucket", provider)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_default_chain_tries_each_source_in_order() {
    assert_eq!(
        std::env::var(LOOPBACK_ONLY_VAR).as_deref(),
        Ok("1"),
        "run with cargo"
    );
    let vars = vars();
    let _restore = Restore::save(&vars);
    for var in &vars {
        set(var, None);
    }
    let home = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("credentials-chain-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    set("HOME", home.to_str());
    set("USERPROFILE", home.to_str());

    let emulator = Emulator::start(
        Config::new(AK, SK)
            .credential(Credential::new(CLI_ID, CLI_SK))
            .credential(Credential::new(INI_ID, INI_SK))
            .ecs_metadata(EcsMetadataConfig::new("chain-role").require_token(true)),
    )
    .unwrap();
    let metadata = emulator.ecs_metadata_endpoint().unwrap();

    // Nothing anywhere, the metadata service switched off: every step says why.
    set("ALIBABA_CLOUD_ECS_METADATA_DISABLED", Some("TRUE"));
    let err = list_with_chain(&emulator).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    let aliyun = home.join(".aliyun").join("config.json");
    let alibabacloud = home.join(".alibabacloud").join("credentials");
    for part in [
        "credentials: no step of the default credentials chain gave credentials (".to_owned(),
        "environment: neither OSS_ACCESS_KEY_ID nor ALIBABA_CLOUD_ACCESS_KEY_ID is set; "
            .to_owned(),
        format!(
            "Alibaba Cloud CLI profile: cannot read {}: ",
            aliyun.display()
        ),
        format!("credentials file: cannot read {}: ", alibabacloud.display()),
        "ECS RAM role: switched off by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true; ".to_owned(),
        "credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI is not set)".to_owned(),
    ] {
        assert!(text.contains(&part), "{part:?} not in {text}");
    }

    // 1. The environment, first of all.
    set("ALIBABA_CLOUD_ACCESS_KEY_ID", Some(AK));
    set("ALIBABA_CLOUD_ACCESS_KEY_SECRET", Some(SK));
    list_with_chain(&emulator).unwrap();
    // A chain keeps the step that worked: with the variables gone it does not move on.
    let chain = DefaultCredentialsChain::new();
    assert_eq!(chain.credentials().unwrap().access_key_id(), AK);
    set("ALIBABA_CLOUD_ACCESS_KEY_ID", None);
    set("ALIBABA_CLOUD_ACCESS_KEY_SECRET", None);
    let err = chain.credentials().unwrap_err().to_string();
    assert!(err.contains("neither OSS_ACCESS_KEY_ID"), "{err}");

    // 2. The CLI's config.json in HOME, its current profile or ALIBABA_CLOUD_PROFILE's.
    write(
        &aliyun,
        &format!(
            r#"{{"current": "main", "profiles": [
              {{"name": "main", "mode": "AK", "access_key_id": "{CLI_ID}", "access_key_secret": {CLI_SK:?}}},
              {{"name": "other", "mode": "AK", "access_key_id": "{AK}", "access_key_secret": {SK:?}}}]}}"#
        ),
    );
    let chain = DefaultCredentialsChain::new();
    assert_eq!(chain.credentials().unwrap().access_key_id(), CLI_ID);
    list_with(&emulator, chain).unwrap();
    set("ALIBABA_CLOUD_PROFILE", Some("other"));
    assert_eq!(
        DefaultCredentialsChain::new()
            .credentials()
            .unwrap()
            .access_key_id(),
        AK
    );
    set("ALIBABA_CLOUD_PROFILE", None);

    // 3. The INI file, when the CLI's is switched off (or absent).
    write(
        &alibabacloud,
        &format!(
            "[default]\ntype = access_key\naccess_key_id = {INI_ID}\naccess_key_secret = {INI_SK}\n"
        ),
    );
    set("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", Some("true"));
    let chain = DefaultCredentialsChain::new();
    assert_eq!(chain.credentials().unwrap().access_key_id(), INI_ID);
    list_with(&emulator, chain).unwrap();
    let custom = home.join("elsewhere.ini");
    write(
        &custom,
        &format!("[default]\ntype = access_key\naccess_key_id = {AK}\naccess_key_secret = {SK}\n"),
    );
    set("ALIBABA_CLOUD_CREDENTIALS_FILE", custom.to_str());
    assert_eq!(
        DefaultCredentialsChain::new()
            .credentials()
            .unwrap()
            .access_key_id(),
        AK
    );
    set("ALIBABA_CLOUD_CREDENTIALS_FILE", None);
    std::fs::remove_file(&alibabacloud).unwrap();

    // 4. The ECS RAM role: the emulator's metadata service, IMDSv2 only.
    set("ALIBABA_CLOUD_ECS_METADATA_DISABLED", None);
    set("OSSLIVE_ECS_METADATA_ENDPOINT", Some(&metadata));
    let chain = DefaultCredentialsChain::new();
    let creds = chain.credentials().unwrap();
    assert!(creds.access_key_id().starts_with("STS.") && creds.expiration().is_some());
    list_with(&emulator, chain).unwrap();
    // Or given to the chain itself.
    set("OSSLIVE_ECS_METADATA_ENDPOINT", None);
    list_with(
        &emulator,
        DefaultCredentialsChain::new().ecs_metadata_endpoint(&metadata),
    )
    .unwrap();

    // 5. A credentials URI, after the metadata service (here, off).
    set("ALIBABA_CLOUD_ECS_METADATA_DISABLED", Some("true"));
    set(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        Some(&format!(
            "{metadata}/latest/meta-data/ram/security-credentials/chain-role"
        )),
    );
    // The metadata service wants a session token that a URI request does not carry.
    let err = list_with_chain(&emulator).unwrap_err().to_string();
    assert!(
        err.contains("credentials URI: GET ") && err.contains("answered HTTP 401"),
        "{err}"
    );
    drop(emulator);
    let open =
        Emulator::start(Config::new(AK, SK).ecs_metadata(EcsMetadataConfig::new("uri-role")))
            .unwrap();
    let uri_endpoint = open.ecs_metadata_endpoint().unwrap();
    set(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        Some(&format!(
            "{uri_endpoint}/latest/meta-data/ram/security-credentials/uri-role"
        )),
    );
    list_with_chain(&open).unwrap();

    let _ = std::fs::remove_dir_all(&home);
}

/// `DEFAULT_CHAIN_VARIABLES` names every variable `src/credentials/` reads: each quoted
/// `OSS_*`, `OSSLIVE_*` or `ALIBABA_CLOUD_*` name there (the safety switch aside).
#[test]
fn the_list_of_the_chain_variables_is_whole() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/credentials");
    let mut files = vec![dir.clone()];
    let mut found = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for quoted in text.split('"').skip(1).step_by(2) {
            let is_name = ["OSS_", "OSSLIVE_", "ALIBABA_CLOUD_"]
                .iter()
                .any(|p| quoted.starts_with(p))
                && quoted
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if is_name && quoted != LOOPBACK_ONLY_VAR {
                found.push((quoted.to_owned(), path.display().to_string()));
            }
        }
    }
    assert!(found.len() >= 10, "the scan found too little: {found:?}");
    for (name, file) in found {
        assert!(
            DEFAULT_CHAIN_VARIABLES.contains(&name.as_str()),
            "{file} reads {name}, which DEFAULT_CHAIN_VARIABLES does not list"
        );
    }
}
