// Types for the `natural` sub-modules the term extractor loads. Only sub-paths:
// natural's root entry pulls in database drivers and dotenv, which print to stdout.
declare module 'natural/lib/natural/tokenizers/regexp_tokenizer' {
  export class RegexpTokenizer {
    constructor(options?: { pattern?: RegExp; gaps?: boolean; discardEmpty?: boolean });
    tokenize(text: string): string[];
  }
}

declare module 'natural/lib/natural/stemmers/*' {
  const stemmer: { stem(token: string): string };
  export default stemmer;
}

declare module 'natural/lib/natural/util/stopwords*' {
  export const words: string[];
  const module: { words: string[] };
  export default module;
}
