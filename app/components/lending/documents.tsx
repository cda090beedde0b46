import { dateInZone } from "~/domain/today";
import { Form, useSearchParams } from "@remix-run/react";
import { Flash, TableWrap } from "~/components/ui";
import { UPLOAD_KINDS } from "~/domain/uploads";
import { DateText } from "~/components/dates";

export interface DocumentRow {
  id: string;
  filename: string;
  size: number;
  uploadedAt: string;
  uploadedBy: string | null;
}

/** The documents on a lending file, and (for loan officers) a form to add one. */
export function DocumentsSection({ documents, target, canUpload }: { documents: DocumentRow[]; target: { applicationId?: string; loanId?: string }; canUpload: boolean }) {
  const [search] = useSearchParams();
  const error = search.get("documentError");
  return (
    <section className="card stack" id="documents" aria-labelledby="documents-head">
      <h2 id="documents-head">Documents</h2>
      <Flash message={error ?? (search.get("documentAdded") ? "Document added." : null)} tone={error ? "error" : "success"} />
      <TableWrap label="Documents">
        <table>
          <thead><tr><th scope="col">File</th><th scope="col" className="num">Size</th><th scope="col">Added</th></tr></thead>
          <tbody>
            {documents.length === 0 ? <tr><td colSpan={3}>No documents yet.</td></tr> : documents.map((d) => (
              <tr key={d.id}>
                <td><a href={`/documents/${d.id}`} download>{d.filename}</a></td>
                <td className="num">{d.size < 1024 ? `${d.size} B` : `${(d.size / 1024).toFixed(0)} KB`}</td>
                <td><DateText iso={d.uploadedAt} />{d.uploadedBy ? ` by ${d.uploadedBy}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {canUpload ? (
        <Form method="post" action="/documents/upload" encType="multipart/form-data" reloadDocument className="stack">
          {target.applicationId ? <input type="hidden" name="applicationId" value={target.applicationId} /> : null}
          {target.loanId ? <input type="hidden" name="loanId" value={target.loanId} /> : null}
          <div className="field">
            <label htmlFor="document-file">Add a document</label>
            <p className="hint" id="document-file-hint">Accounts, business plan, signed agreement: PDF, image, spreadsheet or text, at most 5 MB. The file is checked by its content: programs, macros and files whose name does not match their content are refused.</p>
            <input id="document-file" name="file" type="file" required aria-describedby="document-file-hint" accept={UPLOAD_ACCEPT} />
          </div>
          <button type="submit" className="secondary">Upload</button>
        </Form>
      ) : null}
    </section>
  );
}

const UPLOAD_ACCEPT = Object.values(UPLOAD_KINDS).flatMap((k) => k.extensions.map((e) => `.${e}`)).join(",");

export function documentRows(rows: { id: string; filename: string; size: number; uploaded_at: Date; uploaded_by: string | null }[], organisation: { timeZone: string }): DocumentRow[] {
  return rows.map((r) => ({ id: r.id, filename: r.filename, size: r.size, uploadedAt: dateInZone(r.uploaded_at, organisation.timeZone), uploadedBy: r.uploaded_by }));
}
