//! An intake replayed from another installation's bundle (a field laptop's application, a
//! partner office's case): where it came from, the event taken in and its files, written
//! in the intake's own transaction.

use crate::desk::ids::now;
use crate::desk::replay::IntakeImport;
use surety_store::attachments::{self as stored_files, NewAttachment};
use surety_store::bundles::{self as stored, TakenEvent};
use surety_store::StoreResult;

/// Inside the replayed intake's transaction: the origin on the case, the event taken in,
/// the files.
pub(crate) fn record_import(
    tx: &surety_store::Transaction,
    import: &IntakeImport,
    case_id: i64,
    case_no: &str,
    user_id: i64,
) -> StoreResult<()> {
    if import.provisional {
        stored::set_origin(tx, case_id, &import.origin, &import.provisional_no)?;
    } else {
        stored::set_origin_only(tx, case_id, &import.origin)?;
    }
    let now = now();
    stored::record_event(
        tx,
        &TakenEvent {
            event_id: &import.event_id,
            sha256: &import.sha256,
            bundle_id: &import.bundle_id,
            from_installation: &import.sender,
            applied_at: &now,
            outcome: "taken",
            case_no: Some(case_no),
        },
    )?;
    for f in &import.files {
        stored_files::insert(
            tx,
            &NewAttachment {
                uid: &f.uid,
                case_id,
                section: "intake",
                kind: f.inspected.kind.code(),
                file_name: &f.file_name,
                sha256: &f.sha256,
                width: f.inspected.width,
                height: f.inspected.height,
                content: &f.content,
                thumbnail: f.inspected.thumbnail.as_deref(),
                added_by: user_id,
                added_at: &f.added_at,
            },
        )?;
    }
    Ok(())
}
