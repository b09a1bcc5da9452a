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
