//! A WebSocket client for the app's sockets (`/ws/maps/…`, `/ws/display/…`,
//! `/ws/dashboards/…`): the upgrade with a cookie and an `Origin`, typed JSON messages with a
//! timeout, how a socket ends, and the live map's hello.

use super::TestApp;
use app::domain::ops::{CatchUp, ClientMsg, Peer, ServerMsg, PROTOCOL_VERSION};
use app::domain::MapId;
use futures_util::{SinkExt, StreamExt};
use http::{header, HeaderValue};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

/// The client end of a socket, as the library gives it.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long any expected message may take.
pub const WAIT: Duration = Duration::from_secs(5);

/// An upgrade request being put together; see `TestApp::upgrade`.
pub struct Upgrade {
    request: Request,
}

impl TestApp {
    /// An upgrade request for the socket at `path` on this server.
    pub fn upgrade(&self, path: &str) -> Upgrade {
        let request = format!("ws://{}{path}", self.addr)
            .into_client_request()
            .unwrap();
        Upgrade { request }
    }

    /// Opens the socket at `path`, with a session cookie if given; the refusal's status otherwise.
    pub async fn socket(&self, path: &str, cookie: Option<&str>) -> Result<Socket, u16> {
        let upgrade = self.upgrade(path);
        match cookie {
            Some(c) => upgrade.cookie(c).open().await,
            None => upgrade.open().await,
        }
    }

    /// Opens the live socket of `map` (without saying hello).
    pub async fn map_socket(&self, map: MapId, cookie: Option<&str>) -> Result<Socket, u16> {
        self.socket(&format!("/ws/maps/{map}"), cookie).await
    }

    /// Opens the live socket of `map` and says hello; the socket and its welcome.
    pub async fn join(&self, map: MapId, cookie: &str, last_seq: Option<i64>) -> (Socket, Welcome) {
        let mut ws = self
            .map_socket(map, Some(cookie))
            .await
            .expect("the upgrade succeeds");
        let welcome = ws.hello(map, last_seq).await;
        (ws, welcome)
    }
}

impl Upgrade {
    /// Sends a session cookie.
    pub fn cookie(self, cookie: &str) -> Upgrade {
        self.header(header::COOKIE, cookie)
    }

    /// Says which page opens the socket (browsers always do).
    pub fn origin(self, origin: &str) -> Upgrade {
        self.header(header::ORIGIN, origin)
    }

    /// Sends any other header with the upgrade request.
    pub fn header(mut self, name: header::HeaderName, value: &str) -> Upgrade {
        let value = HeaderValue::from_str(value).unwrap();
        self.request.headers_mut().insert(name, value);
        self
    }

    /// The request, to open over a stream of one's own.
    pub fn into_request(self) -> Request {
        self.request
    }

    /// Opens the socket; the refusal's status when the server answers the upgrade otherwise.
    pub async fn open(self) -> Result<Socket, u16> {
        match tokio_tungstenite::connect_async(self.request).await {
            Ok((ws, _)) => Ok(Socket::new(ws)),
            Err(e) => Err(refusal(e)),
        }
    }

    /// Opens the socket with the library's settings given, and Nagle's algorithm off (as
    /// browsers have it).
    pub async fn open_with(self, config: WebSocketConfig) -> Result<Socket, u16> {
        match tokio_tungstenite::connect_async_with_config(self.request, Some(config), true).await {
            Ok((ws, _)) => Ok(Socket::new(ws)),
            Err(e) => Err(refusal(e)),
        }
    }
}

/// The status of a refused upgrade; any other failure fails the test.
fn refusal(e: tungstenite::Error) -> u16 {
    match e {
        tungstenite::Error::Http(res) => res.status().as_u16(),
        other => panic!("unexpected socket error: {other}"),
    }
}

/// An open socket. It derefs to the library's stream, for raw frames.
pub struct Socket {
    ws: Ws,
}

/// How a socket ended: the text messages read before, and how it ended.
pub struct Closed {
    /// The text messages that came before the end, in order.
    pub texts: Vec<String>,
    /// How it ended.
    pub ending: Ending,
}

/// The last thing a socket did.
#[derive(Debug)]
pub enum Ending {
    /// The server sent a close frame (with a code and reason, or without).
    Close(Option<CloseFrame>),
    /// The stream ended or failed without a close frame.
    Dropped,
}

impl Closed {
    /// The close frame, which must have come and must say why.
    pub fn reason(self) -> CloseFrame {
        match self.ending {
            Ending::Close(Some(frame)) => frame,
            Ending::Close(None) => panic!("a close frame without a reason"),
            Ending::Dropped => panic!("the socket ended without saying why"),
        }
    }
}

impl Socket {
    /// Wraps a stream opened some other way.
    pub fn new(ws: Ws) -> Socket {
        Socket { ws }
    }

    /// The library's stream.
    pub fn into_inner(self) -> Ws {
        self.ws
    }

    /// Sends `msg` as a JSON text frame.
    pub async fn send_json(&mut self, msg: &impl Serialize) {
        self.send_text(&serde_json::to_string(msg).unwrap()).await;
    }

    /// Sends a text frame as it is.
    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Message::text(text))
            .await
            .expect("the socket takes the frame");
    }

    /// The next text message within `wait` (`None` when the time is up). Pings and pongs are
    /// skipped; a binary frame, a close or the end of the socket fail the test.
    pub async fn next_text(&mut self, wait: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()?
                .expect("the socket closed")
                .expect("the socket failed");
            match frame {
                Message::Text(t) => return Some(t.as_str().to_string()),
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
                Message::Binary(_) => panic!("the server sent a binary frame"),
                Message::Close(c) => panic!("the server closed the socket: {c:?}"),
            }
        }
    }

    /// The next message within `wait`, read as a `T`; `None` when the time is up.
    pub async fn next_msg<T: DeserializeOwned>(&mut self, wait: Duration) -> Option<T> {
        let text = self.next_text(wait).await?;
        let msg = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("unreadable server message {text}: {e}"));
        Some(msg)
    }

    /// The next message, read as a `T`; fails after 5 s.
    pub async fn recv<T: DeserializeOwned>(&mut self) -> T {
        self.next_msg(WAIT).await.expect("no message within 5 s")
    }

    /// Reads until the server ends the socket (a close frame, the end of the stream or a
    /// reset); fails when that takes longer than `wait`.
    pub async fn until_closed(&mut self, wait: Duration) -> Closed {
        let deadline = tokio::time::Instant::now() + wait;
        let mut texts = Vec::new();
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("the socket was not closed within {wait:?}"));
            match frame {
                None | Some(Err(_)) => {
                    let ending = Ending::Dropped;
                    return Closed { texts, ending };
                }
                Some(Ok(Message::Close(frame))) => {
                    let ending = Ending::Close(frame);
                    return Closed { texts, ending };
                }
                Some(Ok(Message::Text(t))) => texts.push(t.as_str().to_string()),
                Some(Ok(Message::Binary(_))) => panic!("the server sent a binary frame"),
                Some(Ok(_)) => {}
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // The live map's protocol.
    // -----------------------------------------------------------------------------------------

    /// The next live-map message within `wait`; with `presence`, `Presence` and `Left` count
    /// too (they are skipped otherwise).
    pub async fn next_map_msg(&mut self, presence: bool, wait: Duration) -> Option<ServerMsg> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let msg: ServerMsg = self.next_msg(left).await?;
            if presence || !is_presence(&msg) {
                return Some(msg);
            }
        }
    }

    /// The next live-map message, skipping `Presence` and `Left`; fails after 5 s.
    pub async fn recv_map(&mut self) -> ServerMsg {
        let msg = self.next_map_msg(false, WAIT).await;
        msg.expect("no message within 5 s")
    }

    /// Sends `ops` as one batch and waits for the server's answer: `Ok` when acknowledged
    /// (a batch with workshop steps comes back whole instead, as the author may see it), else
    /// the reason it was refused.
    pub async fn mutate(&mut self, ops: Vec<app::domain::ops::Op>) -> Result<(), String> {
        self.mutate_seen(ops).await.map(|_| ())
    }

    /// [`Socket::mutate`], returning the ops as the server relayed them back to their author
    /// (empty for a plain acknowledgement).
    pub async fn mutate_seen(
        &mut self,
        ops: Vec<app::domain::ops::Op>,
    ) -> Result<Vec<app::domain::ops::Op>, String> {
        let op_id = uuid::Uuid::new_v4();
        self.send_json(&app::domain::ops::ClientMsg::Mutate { op_id, ops })
            .await;
        loop {
            match self.recv_map().await {
                ServerMsg::Ack { op_id: acked, .. } if acked == op_id => return Ok(Vec::new()),
                ServerMsg::Ops { batch } if batch.op_id == op_id => return Ok(batch.ops),
                ServerMsg::Reject { op_id: r, reason } if r == op_id => return Err(reason),
                _ => {}
            }
        }
    }

    /// The next batch of edits this socket hears (others' edits, broadcast).
    pub async fn next_batch(&mut self) -> Vec<app::domain::ops::Op> {
        loop {
            if let ServerMsg::Ops { batch } = self.recv_map().await {
                return batch.ops;
            }
        }
    }

    /// Says hello to the map's room and reads the welcome.
    pub async fn hello(&mut self, map: MapId, last_seq: Option<i64>) -> Welcome {
        let hello = ClientMsg::Hello {
            map_id: map,
            last_seq,
            protocol_version: PROTOCOL_VERSION,
        };
        self.send_json(&hello).await;
        match self.recv_map().await {
            ServerMsg::Welcome {
                seq,
                catch_up,
                roster,
                you,
                can_edit,
                ..
            } => Welcome {
                seq,
                catch_up,
                roster,
                you,
                can_edit,
            },
            other => panic!("expected Welcome, got {other:?}"),
        }
    }
}

impl std::ops::Deref for Socket {
    type Target = Ws;

    fn deref(&self) -> &Ws {
        &self.ws
    }
}

impl std::ops::DerefMut for Socket {
    fn deref_mut(&mut self) -> &mut Ws {
        &mut self.ws
    }
}

/// Whether a live-map message is about who is there (`Presence`, `Left`).
pub fn is_presence(msg: &ServerMsg) -> bool {
    matches!(msg, ServerMsg::Presence { .. } | ServerMsg::Left { .. })
}

/// A live map's welcome, as named fields.
pub struct Welcome {
    /// The map's sequence number.
    pub seq: i64,
    /// What the client missed: a snapshot, or the batches after its `last_seq`.
    pub catch_up: CatchUp,
    /// Who is in the room.
    pub roster: Vec<Peer>,
    /// This connection's peer id.
    pub you: Uuid,
    /// Whether this user may edit the map.
    pub can_edit: bool,
}
