//! The CSV downloads: the customer list as the viewer's list shows it (filter, search, scope)
//! in the chosen columns, and one customer's merged timeline. Both are audited.
//!
//! The list is streamed: [`CustomerCsv`] turns the index's lazy walk into chunks of
//! [`CHUNK_ROWS`] rows, each written when the response body asks for it, so 100,000
//! customers are never held as text at once.

use app::domain::{CustomerDetail, CustomerQuery, CustomerSummary, ExportColumn, FollowUpKind, Viewer, list_query_string};
use app::error::AppError;
use app::i18n::Locale;
use app::service::SalesDeskService;
use app::words::{export_column_title, timeline_column_titles, timeline_kind_word, vendor_word};
use bytes::Bytes;

use super::Backend;
use crate::spreadsheet::{BOM, beijing_time, safe_cell};
use crate::storage::audit::{self, AuditAction, AuditEntry, AuditResult};

/// Rows per chunk of the streamed list: a few tens of KB each.
pub const CHUNK_ROWS: usize = 256;

/// Joins a cell's several values (mobiles, tags, reps).
const SEPARATOR: &str = "、";

/// The list as CSV chunks: the byte-order mark and the header first, then [`CHUNK_ROWS`]
/// rows per chunk, each made only when the previous one has been taken.
pub struct CustomerCsv<I> {
    rows: I,
    columns: Vec<ExportColumn>,
    locale: Locale,
    started: bool,
    done: bool,
}

impl<I: Iterator<Item = CustomerSummary>> CustomerCsv<I> {
    pub fn new(rows: I, columns: Vec<ExportColumn>, locale: Locale) -> Self {
        CustomerCsv {
            rows,
            columns,
            locale,
            started: false,
            done: false,
        }
    }

    fn chunk(&mut self) -> Result<Option<Bytes>, csv::Error> {
        let mut buffer = Vec::with_capacity(32 * 1024);
        if !self.started {
            buffer.extend_from_slice(BOM);
        }
        let mut out = csv::Writer::from_writer(buffer);
        if !self.started {
            self.started = true;
            out.write_record(self.columns.iter().map(|c| export_column_title(self.locale, *c)))?;
        } else if self.done {
            return Ok(None);
        }
        let mut written = 0;
        for customer in self.rows.by_ref().take(CHUNK_ROWS) {
            out.write_record(self.columns.iter().map(|c| customer_cell(&customer, *c, self.locale)))?;
            written += 1;
        }
        if written < CHUNK_ROWS {
            self.done = true;
        }
        let bytes = out.into_inner().map_err(|e| e.into_error())?;
        Ok((!bytes.is_empty()).then(|| Bytes::from(bytes)))
    }
}

impl<I: Iterator<Item = CustomerSummary>> Iterator for CustomerCsv<I> {
    type Item = Result<Bytes, csv::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.chunk().transpose()
    }
}

fn joined<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    values.into_iter().collect::<Vec<_>>().join(SEPARATOR)
}

fn customer_cell(c: &CustomerSummary, column: ExportColumn, locale: Locale) -> String {
    let text = match column {
        ExportColumn::Key => c.key.clone(),
        ExportColumn::Name => c.name.clone().unwrap_or_default(),
        ExportColumn::Remark => joined(c.remarks.iter().map(String::as_str)),
        ExportColumn::Company => c.corp_name.clone().unwrap_or_default(),
        ExportColumn::Mobiles => joined(c.mobiles.iter().map(String::as_str)),
        ExportColumn::Stages => joined(c.stages.iter().map(|s| s.value.as_str())),
        ExportColumn::Reps => joined(c.reps.iter().map(|r| r.name.as_deref().unwrap_or(&r.user_id))),
        ExportColumn::Tags => joined(c.tags.iter().map(String::as_str)),
        ExportColumn::Vendors => joined(c.vendors.iter().map(|v| vendor_word(locale, *v))),
        ExportColumn::LastFollow => c.last_follow_at.map(beijing_time).unwrap_or_default(),
    };
    safe_cell(&text).into_owned()
}

/// A started list export: how many rows it holds (audited before the first byte) and the
/// chunks to send.
pub struct ListExport {
    pub rows: u64,
    pub chunks: CustomerCsv<super::customer_index::MatchingRows>,
}

/// The viewer's list with `query`'s filter and search, in `columns`; audited with the
/// filter and the row count before anything is sent.
pub async fn customer_list(
    backend: &Backend,
    viewer: &Viewer,
    query: &CustomerQuery,
    columns: Vec<ExportColumn>,
    locale: Locale,
) -> Result<ListExport, AppError> {
    let rows = backend.index.matching(&viewer.scope, query).await;
    let count = rows.remaining();
    let filter = list_query_string(query);
    let columns_text = columns.iter().map(|c| c.slug()).collect::<Vec<_>>().join(",");
    let detail = format!("rows={count}; filter={filter}; columns={columns_text}");
    record(backend, viewer, AuditAction::ExportCustomers, None, detail).await?;
    Ok(ListExport {
        rows: count,
        chunks: CustomerCsv::new(rows, columns, locale),
    })
}

/// One customer's merged timeline as CSV, newest first; `NotFound` / `Forbidden` as the
/// 360° page answers them.
pub async fn timeline(backend: &Backend, viewer: &Viewer, key: &str, locale: Locale) -> Result<Vec<u8>, AppError> {
    let detail = backend.customer_detail(viewer, key).await?;
    let bytes = timeline_csv(&detail, locale).map_err(|e| crate::errors::internal(&e))?;
    let rows = detail.timeline.len();
    record(
        backend,
        viewer,
        AuditAction::ExportTimeline,
        Some(&detail.customer.key),
        format!("rows={rows}"),
    )
    .await?;
    Ok(bytes)
}

/// The timeline's rows: time, vendor, author, kind, text.
pub fn timeline_csv(detail: &CustomerDetail, locale: Locale) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(BOM.to_vec());
    out.write_record(timeline_column_titles(locale))?;
    for item in &detail.timeline {
        let e = &item.entry;
        let (note, text) = match &e.kind {
            FollowUpKind::Note { text } => (true, text.as_str()),
            FollowUpKind::Change { text } => (false, text.as_str()),
        };
        let author = e.author_name.as_deref().or(e.author_user_id.as_deref()).unwrap_or("");
        out.write_record([
            beijing_time(e.at),
            vendor_word(locale, e.vendor).to_string(),
            safe_cell(author).into_owned(),
            timeline_kind_word(locale, note),
            safe_cell(text).into_owned(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// Records an export in the audit log; an export that cannot be audited is not served.
async fn record(
    backend: &Backend,
    viewer: &Viewer,
    action: AuditAction,
    customer_key: Option<&str>,
    detail: String,
) -> Result<(), AppError> {
    let entry = AuditEntry {
        actor: viewer.into(),
        action,
        customer_key: customer_key.map(str::to_string),
        vendor: None,
        write_id: None,
        result: AuditResult::Ok,
        detail: Some(detail),
        at_ms: None,
    };
    audit::record(&backend.store, entry).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use app::domain::{RepRef, Sourced, VendorId};

    use super::*;

    fn customer(i: usize) -> CustomerSummary {
        CustomerSummary {
            key: format!("wm{i:06}"),
            name: Some(if i == 1 { "=HYPERLINK(\"x\")".into() } else { format!("客户{i}") }),
            avatar: None,
            corp_name: Some("某某科技, \"北京\"".into()),
            mobiles: vec!["+86 138".into(), "139".into()],
            remarks: vec![],
            stages: vec![Sourced {
                value: "方案报价".into(),
                vendors: vec![VendorId::Tanma],
            }],
            vendors: vec![VendorId::Tanma, VendorId::Juzi],
            reps: vec![RepRef {
                user_id: "LiuFuLai".into(),
                name: Some("刘福来".into()),
            }],
            tags: vec!["重点".into()],
            last_follow_at: Some(0),
        }
    }

    fn read(bytes: &[u8]) -> Vec<csv::StringRecord> {
        let text = std::str::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("starts with the BOM");
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn the_file_has_the_bom_the_chosen_columns_and_defused_cells() {
        let chunks: Vec<Bytes> = CustomerCsv::new(
            (0..3).map(customer),
            vec![
                ExportColumn::Name,
                ExportColumn::Company,
                ExportColumn::Mobiles,
                ExportColumn::Vendors,
                ExportColumn::LastFollow,
            ],
            Locale::zh,
        )
        .collect::<Result<_, _>>()
        .unwrap();
        let all: Vec<u8> = chunks.concat();
        let records = read(&all);
        assert_eq!(records.len(), 4);
        assert_eq!(&records[0][0], "姓名");
        assert_eq!(&records[1][0], "客户0");
        assert_eq!(&records[2][0], "'=HYPERLINK(\"x\")", "formula defused");
        assert_eq!(&records[1][1], "某某科技, \"北京\"", "quoted, not split");
        assert_eq!(&records[1][2], "'+86 138、139");
        assert_eq!(&records[1][3], "探马、句子互动");
        assert_eq!(&records[1][4], "1970-01-01T08:00:00+08:00");
        let english = CustomerCsv::new(std::iter::empty(), vec![ExportColumn::Name], Locale::en)
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(
            read(&english.concat())[0].iter().collect::<Vec<_>>(),
            vec!["Name"],
            "header only, in English"
        );
    }

    #[test]
    fn chunks_are_made_as_they_are_taken() {
        let produced = std::cell::Cell::new(0usize);
        let rows = (0..100_000).map(|i| {
            produced.set(produced.get() + 1);
            customer(i)
        });
        let mut csv = CustomerCsv::new(rows, ExportColumn::ALL.to_vec(), Locale::zh);
        let first = csv.next().unwrap().unwrap();
        assert!(first.starts_with(BOM));
        assert_eq!(produced.get(), CHUNK_ROWS, "the first chunk waits for no more rows than it holds");
        let mut chunks = 1;
        let mut largest = first.len();
        let mut lines = read(&first).len();
        for chunk in csv {
            let chunk = chunk.unwrap();
            largest = largest.max(chunk.len());
            lines += chunk.iter().filter(|b| **b == b'\n').count();
            chunks += 1;
            assert!(produced.get() <= chunks * CHUNK_ROWS);
        }
        assert_eq!(lines, 100_001, "every row and the header");
        assert_eq!(chunks, 100_000usize.div_ceil(CHUNK_ROWS));
        assert!(largest < 64 * 1024, "chunks stay small: {largest} bytes");
    }
}
