//! One message to many connections, each through a bounded outbox of its own. A connection that
//! does not keep up — its outbox holds too many messages or bytes — is cut off rather than
//! allowed to grow the server's memory: its outbox reports [`Cut::Overflow`] and the
//! connection closes (its client reconnects and catches up from its last sequence). Messages
//! are shared (`Arc`), and each is freed as soon as every outbox has passed it on: nothing is
//! kept for connections that might lag, unlike a broadcast ring.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// How much one outbox may hold before its connection is cut off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxLimits {
    /// Messages waiting.
    pub messages: usize,
    /// Bytes of those messages (as encoded for the wire).
    pub bytes: usize,
}

/// Why an outbox stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// The connection fell too far behind; it must reconnect and catch up.
    Overflow,
    /// The sending side is gone.
    Closed,
}

/// The sending half of every open outbox.
pub struct Fanout<T> {
    inlets: Mutex<Vec<Inlet<T>>>,
    limits: OutboxLimits,
}

/// What the fan-out holds of one outbox.
struct Inlet<T> {
    tx: mpsc::Sender<(T, usize)>,
    shared: Arc<Shared>,
}

/// What both halves of one outbox see.
#[derive(Default)]
struct Shared {
    queued_bytes: AtomicUsize,
    overflowed: AtomicBool,
}

/// One connection's bounded queue of messages to send.
pub struct Outbox<T> {
    rx: mpsc::Receiver<(T, usize)>,
    shared: Arc<Shared>,
}

impl<T: Clone> Fanout<T> {
    /// No outboxes yet; each gets `limits`.
    pub fn new(limits: OutboxLimits) -> Fanout<T> {
        Fanout {
            inlets: Mutex::new(Vec::new()),
            limits,
        }
    }

    /// A new outbox that receives everything sent from now on.
    pub fn subscribe(&self) -> Outbox<T> {
        let (tx, rx) = mpsc::channel(self.limits.messages.max(1));
        let shared = Arc::new(Shared::default());
        let inlet = Inlet {
            tx,
            shared: shared.clone(),
        };
        self.lock().push(inlet);
        Outbox { rx, shared }
    }

    /// Queues `msg` (`bytes` long on the wire) in every outbox. Never waits: an outbox that
    /// would go over its limits is cut off instead, and closed outboxes are forgotten.
    pub fn send(&self, msg: T, bytes: usize) {
        let limits = self.limits;
        self.lock().retain(|inlet| {
            if inlet.tx.is_closed() {
                return false;
            }
            let queued = inlet.shared.queued_bytes.load(Ordering::Acquire);
            if queued.saturating_add(bytes) > limits.bytes {
                inlet.shared.overflowed.store(true, Ordering::Release);
                return false;
            }
            match inlet.tx.try_send((msg.clone(), bytes)) {
                Ok(()) => {
                    inlet.shared.queued_bytes.fetch_add(bytes, Ordering::AcqRel);
                    true
                }
                Err(mpsc::error::TrySendError::Full(_)) => {
                    inlet.shared.overflowed.store(true, Ordering::Release);
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
    }

    /// Outboxes still open.
    pub fn receivers(&self) -> usize {
        let mut inlets = self.lock();
        inlets.retain(|inlet| !inlet.tx.is_closed());
        inlets.len()
    }

    /// The list of outboxes; a panic elsewhere cannot leave it half-updated (entries are pushed
    /// and removed whole), so a poisoned lock is taken as it is.
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Inlet<T>>> {
        self.inlets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T> Outbox<T> {
    /// The next message; [`Cut::Overflow`] as soon as this outbox was cut off (what it still
    /// holds is dropped: the client catches up by reconnecting).
    pub async fn recv(&mut self) -> Result<T, Cut> {
        if self.overflowed() {
            return Err(Cut::Overflow);
        }
        match self.rx.recv().await {
            Some(item) => self.taken(item),
            None if self.overflowed() => Err(Cut::Overflow),
            None => Err(Cut::Closed),
        }
    }

    /// The next message if one is waiting now.
    pub fn try_recv(&mut self) -> Option<Result<T, Cut>> {
        if self.overflowed() {
            return Some(Err(Cut::Overflow));
        }
        match self.rx.try_recv() {
            Ok(item) => Some(self.taken(item)),
            Err(mpsc::error::TryRecvError::Empty) => None,
            Err(mpsc::error::TryRecvError::Disconnected) if self.overflowed() => {
                Some(Err(Cut::Overflow))
            }
            Err(mpsc::error::TryRecvError::Disconnected) => Some(Err(Cut::Closed)),
        }
    }

    fn overflowed(&self) -> bool {
        self.shared.overflowed.load(Ordering::Acquire)
    }

    fn taken(&self, (msg, bytes): (T, usize)) -> Result<T, Cut> {
        self.shared.queued_bytes.fetch_sub(bytes, Ordering::AcqRel);
        Ok(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fanout(messages: usize, bytes: usize) -> Fanout<Arc<String>> {
        Fanout::new(OutboxLimits { messages, bytes })
    }

    #[tokio::test]
    async fn every_outbox_gets_every_message_in_order() {
        let f = fanout(8, 1000);
        let mut a = f.subscribe();
        let mut b = f.subscribe();
        for i in 0..5 {
            f.send(Arc::new(i.to_string()), 1);
        }
        for outbox in [&mut a, &mut b] {
            for i in 0..5 {
                assert_eq!(*outbox.recv().await.unwrap(), i.to_string());
            }
            assert!(outbox.try_recv().is_none());
        }
    }

    #[tokio::test]
    async fn a_full_outbox_is_cut_off_and_the_others_go_on() {
        let f = fanout(3, 1000);
        let mut slow = f.subscribe();
        let mut fast = f.subscribe();
        for i in 0..10 {
            f.send(Arc::new(i.to_string()), 1);
            assert_eq!(*fast.recv().await.unwrap(), i.to_string());
        }
        assert_eq!(slow.recv().await, Err(Cut::Overflow));
        assert_eq!(slow.try_recv(), Some(Err(Cut::Overflow)));
        assert_eq!(f.receivers(), 1, "the cut-off outbox is forgotten");
    }

    #[tokio::test]
    async fn the_byte_limit_cuts_off_too() {
        let f = fanout(100, 10);
        let mut slow = f.subscribe();
        f.send(Arc::new("a".into()), 6);
        assert_eq!(f.receivers(), 1);
        f.send(Arc::new("b".into()), 6);
        assert_eq!(slow.recv().await, Err(Cut::Overflow));
        // Taking messages makes room again.
        let mut steady = f.subscribe();
        for _ in 0..10 {
            f.send(Arc::new("c".into()), 6);
            steady.recv().await.unwrap();
        }
        assert_eq!(f.receivers(), 1);
    }

    #[tokio::test]
    async fn nothing_is_kept_once_passed_on_or_dropped() {
        let f = fanout(8, 1000);
        let mut a = f.subscribe();
        let msg = Arc::new("big".to_string());
        f.send(msg.clone(), 3);
        assert_eq!(Arc::strong_count(&msg), 2);
        drop(a.recv().await.unwrap());
        assert_eq!(
            Arc::strong_count(&msg),
            1,
            "freed once every outbox passed it on"
        );
        f.send(msg.clone(), 3);
        drop(a);
        f.send(Arc::new("next".into()), 4);
        assert_eq!(f.receivers(), 0);
        assert_eq!(Arc::strong_count(&msg), 1, "a closed outbox keeps nothing");
    }
}
