// The Moments page: sign in, the feed with likes and comments, the red unread dot, and the
// push comparison panel. User text only ever goes into textContent, never into markup.
import { API, demoLogins } from "./api.js";
import { PushLab } from "./push-methods.js";

const $ = (id) => document.getElementById(id);
const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

let api = null;
let me = null;
let unread = 0;
let newestEvent = 0;
const seenEvents = new Set();
const lab = new PushLab($("methods"), $("poll-interval"), onPushedEvent);

async function signIn(token) {
  $("sign-in-error").textContent = "";
  const candidate = new API(token);
  try {
    me = await candidate.me();
  } catch (error) {
    $("sign-in-error").textContent = error.status === 401 ? "That token was rejected." : `Cannot sign in: ${error.message}`;
    return;
  }
  api = candidate;
  sessionStorage.setItem("moments-token", token);
  $("who").textContent = `${me.user.name} @${me.user.id}`;
  $("sign-in").hidden = true;
  $("app").hidden = false;
  $("bell").hidden = false;
  $("sign-out").hidden = false;
  newestEvent = me.cursor;
  setUnread(me.unread);
  await loadFeed();
  lab.start(token, me.cursor);
}

function signOut() {
  lab.stop();
  sessionStorage.removeItem("moments-token");
  location.reload();
}

function setUnread(count) {
  unread = count;
  $("badge").hidden = count === 0;
  $("badge").textContent = count > 99 ? "99+" : String(count);
  document.title = count ? `(${count}) Moments` : "Moments";
}

// Called by every push method for every event it receives; the first arrival of an id counts.
function onPushedEvent(event) {
  if (seenEvents.has(event.id)) return;
  seenEvents.add(event.id);
  newestEvent = Math.max(newestEvent, event.id);
  setUnread(event.unread);
  if (event.type === "custom") {
    toast(`From the service: ${JSON.stringify(event.data)}`);
  } else if (event.type === "post_hidden" || event.type === "post_deleted") {
    // No longer ours to see, or no longer there: off the page at once.
    document.querySelector(`[data-post-id="${event.post_id}"]`)?.remove();
  } else if (event.type === "comment_deleted") {
    document.querySelector(`[data-comment-id="${event.comment_id}"]`)?.remove();
    // Replies to it stay, naming whom they answered; the post's count is read again.
    scheduleFeedReload(event.post_id);
  } else if (event.type === "unfriended" || event.type === "friend_accepted" || event.type === "friend_request") {
    toast(sentence(event));
    // Who may be seen changed: the feed is read again.
    if (event.type !== "friend_request") scheduleFeedReload(null);
  } else if (event.type === "post") {
    toast(`${event.actor.name} posted: ${event.text}`);
    scheduleFeedReload(event.post_id);
  } else if (["like", "unlike", "comment", "mention"].includes(event.type)) {
    toast(sentence(event));
    scheduleFeedReload(event.post_id);
  }
  // Any other type is from a newer server: skipped, its id still counted as seen.
  if (!$("notifications").hidden) loadNotifications();
}

let reloadTimer = null;
function scheduleFeedReload(postId) {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(async () => {
    await loadFeed();
    document.querySelector(`[data-post-id="${postId}"]`)?.classList.add("flash");
  }, 100);
}

async function loadFeed() {
  const page = await api.feed();
  $("feed").replaceChildren(...page.posts.map(renderPost));
}

function renderPost(post) {
  const item = element("li", "post");
  item.dataset.postId = post.id;
  const header = element("header");
  header.append(element("span", "author", post.author.name), element("time", "time", relativeTime(post.created_at)));
  // The author chose who may see it; others learn only that it is limited.
  if (post.audience_limited) header.append(element("span", "limited", "🔒 limited"));
  const likeButton = element("button", post.liked_by_me ? "like liked" : "like", `♥ ${post.like_count}`);
  likeButton.type = "button";
  likeButton.addEventListener("click", async () => {
    try {
      const updated = post.liked_by_me ? await api.unlike(post.id) : await api.like(post.id);
      item.replaceWith(renderPost(updated));
    } catch (error) {
      toast(`Could not like: ${error.message}`);
    }
  });
  const likers = element("span", "likes", post.likers.length ? ` ${post.likers.map((u) => u.name).join(", ")}` : "");
  const comments = element("ul", "comments");
  // The feed carries the latest comments the viewer may see; the count, all of them.
  const more = (post.comment_count ?? post.comments.length) - post.comments.length;
  if (more > 0) comments.append(element("li", "more", `… ${more} more`));
  const form = element("form", "comment-form");
  const input = element("input");
  let replyTo = null;
  for (const comment of post.comments) {
    const line = element("li");
    line.dataset.commentId = comment.id;
    // A reply names whom it answers: "Bob → Carol: …".
    const who = comment.reply_to ? `${comment.author.name} → ${comment.reply_to.user.name}` : comment.author.name;
    const body = element("span", "body");
    body.append(element("span", "author", who), document.createTextNode(`: ${comment.text}`));
    line.append(body);
    const reply = element("button", "reply", "reply");
    reply.type = "button";
    reply.addEventListener("click", () => {
      replyTo = comment.id;
      input.placeholder = `Reply to ${comment.author.name}…`;
      input.focus();
    });
    line.append(reply);
    // Yours, or any on your post: yours to delete.
    if (comment.author.id === me.user.id || post.author.id === me.user.id) {
      line.append(deleteButton(async () => api.deleteComment(post.id, comment.id), () => line.remove()));
    }
    comments.append(line);
  }
  input.placeholder = "Comment…";
  input.maxLength = 2000;
  input.required = true;
  form.append(input, element("button", null, "Send"));
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    try {
      await api.comment(post.id, input.value, replyTo);
      await loadFeed();
    } catch (error) {
      toast(`Could not comment: ${error.message}`);
    } finally {
      // One reply at a time: the next comment is a plain one unless another is picked.
      replyTo = null;
      input.placeholder = "Comment…";
    }
  });
  if (post.author.id === me.user.id) {
    header.append(deleteButton(async () => api.deletePost(post.id), () => item.remove()));
  }
  item.append(header, element("p", "text", post.text), pictures(post), likeButton, likers, comments, form);
  return item;
}

// A post's pictures, WeChat's way: one alone larger, two to nine in a grid of squares. The
// addresses are signed for this viewer by the server; a click shows the large size.
function pictures(post) {
  const grid = element("div", `pictures count-${Math.min(post.media.length, 9)}`);
  for (const picture of post.media) {
    const image = element("img");
    image.src = picture.thumb_url;
    image.alt = picture.alt;
    image.title = picture.alt;
    image.width = picture.width;
    image.height = picture.height;
    image.loading = "lazy";
    image.addEventListener("click", () => showLarge(picture));
    grid.append(image);
  }
  return grid;
}

function showLarge(picture) {
  const image = element("img");
  image.src = picture.large_url;
  image.alt = picture.alt;
  $("viewer").replaceChildren(image, element("p", null, picture.alt));
  $("viewer").hidden = false;
}

// A small "delete" button that asks first; gone from the page once the server agrees.
function deleteButton(send, done) {
  const button = element("button", "delete", "delete");
  button.type = "button";
  button.addEventListener("click", async () => {
    if (!confirm("Delete it? It is gone for everyone.")) return;
    try {
      await send();
      done();
    } catch (error) {
      toast(`Could not delete: ${error.message}`);
    }
  });
  return button;
}

async function toggleNotifications() {
  const panel = $("notifications");
  panel.hidden = !panel.hidden;
  if (panel.hidden) return;
  await loadNotifications();
  if (unread > 0) setUnread((await api.markRead(newestEvent)).unread);
}

async function loadNotifications() {
  const page = await api.notifications();
  $("notification-list").replaceChildren(...page.groups.map((group) => {
    return element("li", group.unread ? "unread" : "read", groupSentence(group));
  }));
}

// How a group of notifications reads: "Bob and 19 others liked your post “…”".
function groupSentence(group) {
  const [newest, second] = group.actors;
  if (group.type !== "like" || group.count < 2 || !newest) {
    return sentence({ ...group, actor: newest });
  }
  const who = group.count === 2 && second ? `${newest.name} and ${second.name}` : `${newest.name} and ${group.count - 1} others`;
  return `${who} liked your post “${group.post_excerpt}”`;
}

// How an event reads, in a toast or the notifications list.
function sentence(event) {
  const who = event.actor?.name ?? "Someone";
  switch (event.type) {
    case "custom": return `From the service: ${JSON.stringify(event.data)}`;
    case "like": return `${who} liked your post “${event.post_excerpt}”`;
    case "unlike": return `${who} took back a like on “${event.post_excerpt}”`;
    case "comment":
      if (event.reply_to) return `${who} replied to ${event.reply_to.user.name} on “${event.post_excerpt}”: ${event.text}`;
      return `${who} commented on “${event.post_excerpt}”: ${event.text}`;
    case "mention": return `${who} wants you to see “${event.post_excerpt}”`;
    case "friend_request": return `${who} asks to be your friend${event.text ? `: ${event.text}` : ""}`;
    case "friend_accepted": return `${who} accepted your friend request`;
    case "unfriended": return `You and ${event.user?.name ?? "someone"} are no longer friends`;
    default: return event.type;
  }
}

function relativeTime(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return "now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

let toastTimer = null;
function toast(text) {
  $("toast").textContent = text;
  $("toast").hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { $("toast").hidden = true; }, 4000);
}

$("token-form").addEventListener("submit", (submit) => {
  submit.preventDefault();
  signIn($("token").value.trim());
});
$("sign-out").addEventListener("click", signOut);
$("bell").addEventListener("click", toggleNotifications);
$("viewer").addEventListener("click", () => { $("viewer").hidden = true; });
// Pictures are uploaded as they are chosen (up to nine), then named by the post.
let attached = [];
$("new-post-pictures").addEventListener("change", async () => {
  const files = [...$("new-post-pictures").files].slice(0, 9 - attached.length);
  for (const file of files) {
    try {
      const uploaded = await api.uploadMedia(file);
      // No alt text unless the writer gives one: a file's name may say more than they meant.
      attached.push({ id: uploaded.id, alt: "" });
    } catch (error) {
      toast(`Could not attach ${file.name}: ${error.message}`);
    }
  }
  $("new-post-pictures").value = "";
  $("attached").textContent = attached.length ? `${attached.length} picture${attached.length === 1 ? "" : "s"}` : "";
  $("new-post-text").required = attached.length === 0;
});
$("new-post").addEventListener("submit", async (submit) => {
  submit.preventDefault();
  try {
    await api.createPost($("new-post-text").value, attached);
    $("new-post-text").value = "";
    attached = [];
    $("attached").textContent = "";
    $("new-post-text").required = true;
    await loadFeed();
  } catch (error) {
    toast(`Could not post: ${error.message}`);
  }
});

const logins = await demoLogins();
if (logins.length) {
  $("demo-logins").hidden = false;
  $("demo-buttons").replaceChildren(...logins.map((login) => {
    const button = element("button", null, login.user.name);
    button.type = "button";
    button.dataset.user = login.user.id;
    button.addEventListener("click", () => signIn(login.token));
    return button;
  }));
}
const saved = sessionStorage.getItem("moments-token");
if (saved) signIn(saved);
