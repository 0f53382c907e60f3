import type { OperatorConversation } from '@parley/shared';
import { formatTime } from '../state/format';

export interface ContactCardProps {
  conversation: Pick<OperatorConversation, 'contact' | 'identity' | 'createdAt' | 'id'>;
}

/**
 * What the team knows about the visitor: the contact details they left in the form, and the
 * identity the site verified (a signed token), kept apart because only the second is proven.
 */
export function ContactCard({ conversation }: ContactCardProps) {
  const { contact, identity } = conversation;
  return (
    <section class="card" aria-labelledby="contact-title">
      <h3 id="contact-title">Visitor</h3>
      <dl class="facts">
        <div>
          <dt>Contact</dt>
          <dd>
            {contact ? (
              <>
                {contact.name && <span>{contact.name} </span>}
                <a href={`mailto:${contact.email}`}>{contact.email}</a>
              </>
            ) : (
              <span class="muted">none left</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Verified identity</dt>
          <dd>
            {identity ? (
              <>
                <span class="badge verified">verified</span> {identity.name ?? ''}{' '}
                {identity.email && <span>{identity.email} </span>}
                <code>{identity.sub}</code>
              </>
            ) : (
              <span class="muted">not verified</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <time dateTime={conversation.createdAt}>{formatTime(conversation.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Conversation id</dt>
          <dd>
            <code>{conversation.id}</code>
          </dd>
        </div>
      </dl>
    </section>
  );
}
