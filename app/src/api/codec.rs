//! The wire format of server-function results: JSON, decoded from text.
//!
//! Leptos hydrates resources with `serde_json::from_str`; server_fn's stock JSON codec decodes
//! responses with `from_slice`. Each reader instantiates every `Deserialize` impl again, which
//! doubled the JSON code in the browser bundle. Decoding responses from text too keeps one copy.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{de::DeserializeOwned, Serialize};

/// JSON that is decoded through `serde_json::from_str`.
pub struct TextJsonEncoding;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = String::from_utf8_lossy(&bytes);
        serde_json::from_str(&text)
    }
}

/// Output codec of every server function: results as text-decoded JSON in a POST response.
pub type TextJson = Post<TextJsonEncoding>;
