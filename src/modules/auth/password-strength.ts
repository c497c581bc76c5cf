import type { ZxcvbnFactory } from "@zxcvbn-ts/core";

/** zxcvbn's scale: 0 and 1 are under a million guesses (common passwords and light variations of them). */
export const MIN_PASSWORD_SCORE = 2;
export const GUESSABLE_PASSWORD = "password: is too easy to guess (a common password, or a light variation of one); use a few unrelated words";

// The dictionaries take about half a second to load and rank: the first registration pays it, not every start.
let checker: Promise<ZxcvbnFactory> | undefined;
function zxcvbn(): Promise<ZxcvbnFactory> {
  checker ??= Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common")]).then(
    ([{ ZxcvbnFactory }, common]) => new ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs }),
  );
  return checker;
}

/** True when zxcvbn-ts scores the password at least MIN_PASSWORD_SCORE; the user's own names count as guessable. */
export async function isStrongEnough(password: string, userInputs: string[]): Promise<boolean> {
  return (await zxcvbn()).check(password, userInputs).score >= MIN_PASSWORD_SCORE;
}
