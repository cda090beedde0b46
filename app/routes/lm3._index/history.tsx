import { LineChartWithTable } from "~/components/charts";
import { TableWrap } from "~/components/ui";
import { DateText } from "~/components/dates";

interface StudyRow { id: string; name: string; periodFrom: string; periodTo: string; r1: string; r2: string; r3: string; r3Source: string; lm3: string; method: string }

/** The saved studies: LM3 of each on a chart (oldest first) and a table of their inputs and method (latest first). */
export function Lm3History({ studies }: { studies: StudyRow[] }) {
  const history = [...studies].reverse();
  return (
    <section className="card">
      <h2>History</h2>
      {studies.length === 0 ? (
        <p className="muted">No LM3 studies saved yet.</p>
      ) : (
        <>
          <LineChartWithTable
            label="LM3 of each saved study, oldest first"
            caption="LM3 by study"
            xLabel="Study"
            series={[{ key: "lm3", label: "LM3", colour: "#1f6f43" }]}
            points={history.map((s) => ({ x: s.name, values: { lm3: Number(s.lm3) }, cells: { lm3: s.lm3 } }))}
            tick={(v) => v.toFixed(2)}
          />
          <TableWrap label="Saved LM3 studies">
            <table>
              <caption>Saved LM3 studies with their inputs and method</caption>
              <thead>
                <tr>
                  <th scope="col">Study</th>
                  <th scope="col" className="hide-narrow">Period</th>
                  <th scope="col" className="num">R1</th>
                  <th scope="col" className="num">R2</th>
                  <th scope="col" className="num">R3</th>
                  <th scope="col" className="num">LM3</th>
                  <th scope="col" className="hide-narrow">Method</th>
                </tr>
              </thead>
              <tbody>
                {studies.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">{s.name}</th>
                    <td className="hide-narrow"><DateText iso={s.periodFrom} /> to <DateText iso={s.periodTo} /></td>
                    <td className="num">{s.r1}</td>
                    <td className="num">{s.r2}</td>
                    <td className="num">{s.r3} <span className="muted">({s.r3Source})</span></td>
                    <td className="num"><strong>{s.lm3}</strong></td>
                    <td className="hide-narrow method">{s.method}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </section>
  );
}
