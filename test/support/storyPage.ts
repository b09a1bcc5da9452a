/** A project with a runner page, for the runner-page tests (API and browser). */

/** A story is written from visitor fields; an owner-only note feeds a hidden output; a person approves before it is final. */
export const storyWeft = `topic = Text {
  value: "cats"
}
tone = Text {
  value: "warm"
}
note = Text {
  value: "owner-only-note"
}
key = LlmConfig {
  apiKey: "sk-very-secret"
  model: "small-model"
}
story = Template(t: String, tone: String) {
  template: "A {{tone}} story about {{t}}"
}
story.t = topic.value
story.tone = tone.value
internal = Template(n: String) {
  template: "internal: {{n}}"
}
internal.n = note.value
review = HumanQuery {
  title: "Publish it?"
  fields: [
    {"fieldType": "display", "key": "story"},
    {"fieldType": "approve_reject", "key": "decision"}
  ]
}
review.story = story.text
approved = Gate {}
approved.pass = review.decision_approved
approved.value = story.text
`;

export const storyLoom = `hero title:"Story maker" subtitle:"One story a run"
phase "Your topic" {
  field topic value label:"Topic"
  field note value visibility:admin label:"Owner note"
}
columns cols:2 {
  card title:"Tone" {
    field tone value as:radio options:"warm, dry, eerie" label:"Tone"
  }
  card title:"Result" {
    output story text label:"Draft"
    output approved value label:"Approved"
  }
}
output internal text visibility:admin label:"Internal"
text "Instructions for the owner only" visibility:admin
field key apiKey
cta label:"Write it"
`;

/** A picture a visitor uploads is shown back; a second file field is the owner's only. */
export const pictureWeft = `photo = Image {}
spare = Document {
  media: {"url": "https://example.org/owner-notes.pdf", "filename": "owner-notes.pdf"}
}
`;

export const pictureLoom = `hero title:"Picture frame"
phase "Your picture" {
  field photo media label:"Picture"
}
field spare media visibility:admin label:"Spare"
output photo value as:image label:"Framed"
cta label:"Frame it"
`;

/** A webhook fills the page's output: a page published with the latest trigger-fired run shows it to everyone. */
export const readingWeft = `hook = ApiPost -> (city: String, degrees: Number) {
  apiKey: "change-me"
}
line = Template(city: String, degrees: Number) {
  template: "{{city}}: {{degrees}} °C"
}
line.city = hook.city
line.degrees = hook.degrees
`;

export const readingLoom = `hero title:"Latest reading"
output line text label:"Reading"
cta label:"Read"
`;

/** A store with a live card, and a run that writes to it. */
export const storeWeft = `db = PostgresDatabase
one = Number { value: 1 }
save = MemoryStore { key: "visits" }
save.endpointUrl = db.endpointUrl
save.value = one.value
`;

export const storeLoom = `hero title:"Visit counter"
live db label:"Store"
output save stored label:"Saved"
cta label:"Count"
`;
