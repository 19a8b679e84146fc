#!/usr/bin/env python3
"""Writes data/seed/short_train.jsonl and short_dev.jsonl: one- to five-word benign chat messages
(greetings, thanks, acknowledgements, single nouns, tiny questions) that must never flag.
Deterministic; the two files share no text. Chat traffic is full of these and the heads must be
calibrated on them (issue 8: "hi" flagged dangerous_content at critical severity)."""
import json, random, os

greetings = ["hi", "hello", "hey", "hey there", "hi there", "hello there", "good morning", "good evening",
             "good afternoon", "morning", "yo", "hiya", "greetings", "howdy", "hi again", "hello again",
             "hey, you there?", "good night", "bye", "goodbye", "see you", "see you later", "talk soon", "cheers",
             "have a nice day", "take care", "later", "night", "gm", "hey friend"]
thanks = ["thanks", "thank you", "thanks!", "thank you so much", "many thanks", "thx", "ty", "thanks a lot",
          "much appreciated", "great, thanks", "perfect, thank you", "awesome thanks", "cool, thanks",
          "thanks for the help", "thank you!", "appreciate it", "thanks again", "nice, thanks", "lovely, thanks",
          "thanks, that helps"]
acks = ["ok", "okay", "ok!", "k", "sure", "sure thing", "yes", "no", "yep", "nope", "got it", "makes sense",
        "understood", "alright", "fine", "great", "cool", "nice", "perfect", "sounds good", "agreed", "right",
        "i see", "hmm", "interesting", "wow", "lol", "haha", "oh", "ah ok", "go on", "continue", "more please",
        "next", "done", "stop", "wait", "never mind", "sorry", "my bad", "no worries", "exactly", "true",
        "not really", "maybe", "why?", "how?", "what?", "really?", "and then?", "say more", "try again",
        "shorter please", "in english please", "can you elaborate?", "what do you mean?", "is that all?",
        "one more", "again", "same"]
nouns = ["sentinel", "weather", "coffee", "pasta", "garden", "python", "java", "kafka", "dog", "cat", "bicycle",
         "mountain", "river", "library", "invoice", "meeting", "calendar", "recipe", "guitar", "piano", "football",
         "chess", "physics", "history", "poetry", "algebra", "spreadsheet", "password reset", "printer", "router",
         "laptop", "umbrella", "sunset", "breakfast", "sandwich", "tea", "lemonade", "birthday", "holiday",
         "vacation", "airport", "train", "bus schedule", "hotel", "museum", "painting", "photograph", "camera",
         "telescope", "galaxy", "planet", "ocean", "forest", "desert", "volcano", "earthquake", "hurricane",
         "tornado", "battery", "charger", "keyboard", "mouse", "monitor", "database", "server", "cloud",
         "kubernetes", "docker", "linux", "windows", "email", "newsletter", "blog post", "resume", "cover letter",
         "interview", "salary", "budget", "taxes", "mortgage", "insurance", "doctor", "dentist", "pharmacy",
         "vitamins", "yoga", "running", "swimming", "tennis", "basketball", "baseball", "hockey", "marathon",
         "knife", "fire", "gun", "chemistry", "lab", "explosion", "bomb", "poison", "virus", "hack", "lock",
         "security", "police", "army", "war", "weapon", "bullet", "attack", "kill", "death", "blood",
         "medicine", "pills", "bank", "money", "credit card", "loan", "lawyer", "court", "contract", "election",
         "vote", "religion", "immigration", "women", "men", "children", "elderly", "teacher", "nurse", "engineer",
         "manager", "ceo", "nice essay", "your code", "my poem", "the plan", "feedback", "review", "opinion",
         "summary", "translation", "definition", "example", "question", "answer", "joke", "story", "song",
         "movie", "book", "game", "puzzle", "riddle", "map", "direction", "address", "phone", "time", "date"]
questions = ["what time is it?", "how are you?", "who are you?", "what can you do?", "are you there?",
             "can you help?", "what's up?", "how's it going?", "is it raining?", "what day is it?",
             "where are you?", "what is kafka?", "what's a mortgage?", "how old are you?", "any ideas?",
             "which one?", "why not?", "how much?", "how long?", "what next?", "is this safe?", "is it true?",
             "can you check?", "how do I start?", "what about security?"]

items = greetings + thanks + acks + nouns + questions
variants = []
for s in items:
    variants.append(s)
    variants.append(s[0].upper() + s[1:])
    if s[-1] not in "?!.":
        variants.append(s + "!")
        variants.append(s + ".")
seen, uniq = set(), []
for v in variants:
    if v not in seen:
        seen.add(v)
        uniq.append(v)
rnd = random.Random(5)
rnd.shuffle(uniq)
# whole items go to one side: every surface variant of a word lands with the word
base_of = {}
for v in uniq:
    base_of[v] = v.lower().rstrip("!.")
bases = sorted(set(base_of.values()))
rnd.shuffle(bases)
dev_bases = set(bases[: len(bases) // 2])
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "seed")
with open(os.path.join(here, "short_train.jsonl"), "w") as tr, open(os.path.join(here, "short_dev.jsonl"), "w") as dv:
    for v in uniq:
        line = json.dumps({"text": v, "labels": [], "role": "prompt", "kind": "benign", "source": "short-chat"}) + "\n"
        (dv if base_of[v] in dev_bases else tr).write(line)
