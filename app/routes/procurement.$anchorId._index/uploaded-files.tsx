import { Form } from "@remix-run/react";
import { ConfirmButton } from "~/components/confirm";
import { TableWrap } from "~/components/ui";
import { MomentText } from "~/components/dates";

interface UploadRow { id: string; filename: string; lines: number; total: string; at: string; by: string | null; withdrawn: boolean }

/** The files uploaded for the anchor, each that still counts with a button to withdraw it. */
export function UploadedFiles({ uploads, canManage }: { uploads: UploadRow[]; canManage: boolean }) {
  return (
    <section className="card">
      <h2>Uploaded files</h2>
      {uploads.length === 0 ? (
        <p className="muted">Nothing uploaded yet.</p>
      ) : (
        <TableWrap label="Uploaded files">
          <table>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col" className="num">Lines</th>
                <th scope="col" className="num">Total</th>
                <th scope="col" className="hide-narrow">Uploaded</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {uploads.map((u) => (
                <tr key={u.id}>
                  <th scope="row">{u.filename || "(no name)"}</th>
                  <td className="num">{u.lines}</td>
                  <td className="num">{u.total}</td>
                  <td className="hide-narrow"><MomentText at={u.at} />{u.by ? ` by ${u.by}` : ""}</td>
                  <td>
                    {u.withdrawn ? (
                      "Withdrawn"
                    ) : canManage ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="withdraw" />
                        <input type="hidden" name="uploadId" value={u.id} />
                        <ConfirmButton className="secondary" question={`Withdraw the upload “${u.filename || "(no name)"}” (${u.lines} lines, ${u.total})? This cannot be undone: its spending stops counting in the reports.`} yes="Yes, withdraw it">
                          Withdraw<span className="visually-hidden"> {u.filename}</span>
                        </ConfirmButton>
                      </Form>
                    ) : (
                      "Counted"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
